import { EVIDENCE_STATUSES, REALISED_STATUSES } from '../domain/benefits.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { ROLES } from '../domain/access.js';
import { ACTIONS, RECORD_TYPES } from '../domain/audit.js';
import { BODY_KINDS, shortBodyName } from '../domain/bodies.js';
import { CATEGORIES } from '../domain/categories.js';
import { SECTIONS } from '../domain/news.js';
import { formatPounds, formatPoundsShort } from '../domain/money.js';
import {
  GOVERNANCE_ROLES,
  MEMBER_ROLES,
  PARTNERSHIP_KINDS,
  PARTNERSHIP_STATUSES,
  PROJECT_STAGES,
  SAVINGS_STATUSES,
} from '../domain/partnerships.js';
import { SERVICES } from '../domain/services.js';
import { LINK_REASONS } from '../domain/suppliers/resolve.js';
import { SPEND_FIELDS } from '../domain/spend.js';

/** The project folder, whether running from src/ (tsx) or dist/ (built). */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

export const govukFrontendDir = join(projectRoot, 'node_modules', 'govuk-frontend', 'dist');

const env = nunjucks.configure([join(projectRoot, 'src', 'web', 'views'), govukFrontendDir], {
  autoescape: true,
  throwOnUndefined: false,
  // Recompiling templates on every render costs ~10x in page throughput; only `npm run dev` wants it.
  noCache: process.env.NODE_ENV === 'development',
});

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const labels: Record<string, Record<string, string>> = {
  bodyKind: BODY_KINDS,
  category: CATEGORIES,
  partnershipKind: PARTNERSHIP_KINDS,
  partnershipStatus: PARTNERSHIP_STATUSES,
  memberRole: MEMBER_ROLES,
  governanceRole: GOVERNANCE_ROLES,
  stage: PROJECT_STAGES,
  savingsStatus: SAVINGS_STATUSES,
  evidenceStatus: EVIDENCE_STATUSES,
  realisedStatus: REALISED_STATUSES,
  service: SERVICES,
  spendField: SPEND_FIELDS,
  linkReason: LINK_REASONS,
  role: ROLES,
  recordType: RECORD_TYPES,
  action: ACTIONS,
  section: SECTIONS,
};
env.addFilter('label', (code: string, list: string) => labels[list]?.[code] ?? code);
env.addFilter('pounds', (pence: number) => (typeof pence === 'number' ? formatPounds(pence) : ''));
env.addFilter('poundsShort', (pence: number) => (typeof pence === 'number' ? formatPoundsShort(pence) : ''));
/** "2025-03-01" → "1 March 2025". */
export const formatDate = (iso: string) => (iso ? dateFormat.format(new Date(iso)) : '');
env.addFilter('date', formatDate);
env.addFilter('dateTime', (iso: string) => (iso ? dateTimeFormat.format(new Date(iso)) : ''));
/** "2025-03-01" → "March 2025": periods run in whole months. */
env.addFilter('month', (iso: string) => (iso ? monthFormat.format(new Date(iso)) : ''));
env.addFilter('shortName', (name: string) => (typeof name === 'string' ? shortBodyName(name) : ''));
env.addFilter('number', (n: number) => (typeof n === 'number' ? n.toLocaleString('en-GB') : ''));
/** [{code,label}] items for GOV.UK select, radios and checkboxes, marking what is chosen. */
env.addFilter(
  'options',
  (
    list: Record<string, string> | string[],
    chosen: string | string[] | undefined,
    mark = 'selected',
    blank?: string,
  ) => {
    const entries = Array.isArray(list) ? list.map((v) => [v, v] as const) : Object.entries(list);
    const isChosen = (v: string) => (Array.isArray(chosen) ? chosen.includes(v) : chosen === v);
    return [
      ...(blank === undefined ? [] : [{ value: '', text: blank, [mark]: !chosen }]),
      ...entries.map(([value, text]) => ({ value, text, [mark]: isChosen(value) })),
    ];
  },
);
env.addGlobal('labels', labels);

export function render(template: string, context: Record<string, unknown>): string {
  return env.render(template, context);
}
