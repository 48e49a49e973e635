import { annualPence } from '../domain/opportunities.js';
import type { Database } from '../store/db.js';
import { findPartners, recentOpportunityReport } from './opportunities.js';

/** The partners and opportunities a body's own page leads with. */
const PICTURE_PARTNERS = 3;
const PICTURE_ITEMS = 5;

/**
 * A body's own picture: its addressable spend a year by category, what was left out, its best
 * partners by overlap, and the best opportunities with them. Undefined where it has no spend.
 */
export async function bodyPicture(db: Database, bodyCode: string) {
  const own = await recentOpportunityReport(db, { bodies: [bodyCode] });
  const [body] = own.byBody;
  if (!body) return undefined;
  const partners = (await findPartners(db, bodyCode, {})).items.slice(0, PICTURE_PARTNERS);
  const together = partners.length
    ? await recentOpportunityReport(db, { bodies: [bodyCode, ...partners.map((p) => p.code)] })
    : undefined;
  return {
    annualPence: body.annualPence,
    months: body.months,
    categories: own.byCategory.slice(0, PICTURE_ITEMS).map((c) => ({
      label: c.label,
      annualPence: annualPence(c.spendPence, body.months),
    })),
    excluded: own.excluded,
    partners,
    opportunities: together?.opportunities.slice(0, PICTURE_ITEMS) ?? [],
    reportQuery: new URLSearchParams({
      bodies: [bodyCode, ...partners.map((p) => p.code)].join(','),
    }).toString(),
  };
}
