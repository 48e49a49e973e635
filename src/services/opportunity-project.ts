import type { Actor } from '../domain/audit.js';
import type { Category } from '../domain/categories.js';
import { formatPounds } from '../domain/money.js';
import { type Opportunity, OPPORTUNITY_TYPES } from '../domain/opportunities.js';
import type { Service } from '../domain/services.js';
import type { Sql } from '../store/db.js';
import { addProjectRecord } from './records.js';

/** The register's service for an opportunity's category; supplier deals are procurement's. */
const SERVICE_OF: Partial<Record<Category, Service>> = {
  '17': 'education',
  '18': 'waste',
  '20': 'finance',
  '23': 'highways',
  '24': 'parks',
  '25': 'housing',
  '26': 'hr',
  '27': 'it',
  '28': 'legal',
  '29': 'libraries',
  '32': 'social_care_adults',
  '36': 'highways',
  '38': 'fleet',
  '39': 'property',
};

/**
 * Saves an opportunity as an idea-stage draft project of the partnership, its figures in the
 * description: the members decide whether to publish it.
 */
export async function saveOpportunityAsProject(
  db: Sql,
  actor: Actor,
  partnership: string,
  o: Opportunity,
  period: { from?: string; to?: string },
) {
  const service =
    'category' in o.evidence ? (SERVICE_OF[o.evidence.category] ?? 'procurement') : 'procurement';
  return addProjectRecord(db, actor, partnership, {
    name: o.title.slice(0, 200),
    service,
    stage: 'idea',
    draft: true,
    description: [
      `${OPPORTUNITY_TYPES[o.type]} found in published spend from ${period.from?.slice(0, 7)} to ${period.to?.slice(0, 7)}.`,
      `${o.why}. Addressable spend ${formatPounds(o.addressablePence)} across ${o.bodies} bodies;`,
      `savings of ${formatPounds(o.savingsLowPence)} to ${formatPounds(o.savingsHighPence)} on the assumptions used.`,
    ].join(' '),
  });
}
