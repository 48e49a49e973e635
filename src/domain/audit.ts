import { formatPounds } from './money.js';
/** The kinds of record whose changes are kept, with the words shown for them. */
export const RECORD_TYPES = {
  body: 'Body',
  register: 'Register',
  partnership: 'Partnership',
  project: 'Project',
  business_case: 'Business case',
  benefits_plan: 'Benefits plan',
  price_index: 'Price index',
  note: 'Note',
  spend_import: 'Spend import',
  supplier: 'Supplier',
  category: 'Category mapping',
  exclusion: 'Addressable spend decision',
  user: 'User',
  api_token: 'API token',
  news_item: 'News item',
  edition: 'Edition',
} as const;
export type RecordType = keyof typeof RECORD_TYPES;

export const ACTIONS = {
  create: 'Added',
  update: 'Changed',
  delete: 'Deleted',
  import: 'Imported',
  merge: 'Merged',
  split: 'Split',
  review: 'Reviewed',
  revoke: 'Revoked',
  publish: 'Published',
} as const;
export type Action = keyof typeof ACTIONS;

/** Who made a change: a user, or the system itself (the demo seed, a command run on the server). */
export interface Actor {
  userId?: number;
  name: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action: Action;
  recordType: RecordType;
  recordKey: string;
  recordName: string;
  before?: unknown;
  after?: unknown;
}

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

/**
 * The top-level fields that differ between two snapshots of a record, each shown briefly in words an
 * officer reads: field names as words, sums in pounds, and for lists the items taken out (before) and
 * put in (after) rather than their counts.
 */
export function changedFields(before: unknown, after: unknown): FieldChange[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((f) => f !== 'updatedAt');
  return (
    fields
      .filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]))
      .map((field) => {
        const [was, is] = [b[field], a[field]];
        const records = (list: unknown[]) => list.some((x) => x !== null && typeof x === 'object');
        if (Array.isArray(was) && Array.isArray(is) && (records(was) || records(is))) {
          const kept = (list: unknown[], other: unknown[]) => {
            const others = new Set(other.map((x) => JSON.stringify(x)));
            return list.filter((x) => !others.has(JSON.stringify(x)));
          };
          return {
            field: inWords(field),
            before: listed(kept(was, is), field),
            after: listed(kept(is, was), field),
          };
        }
        return { field: inWords(field), before: brief(was, field), after: brief(is, field) };
      })
      // An empty list becoming no list at all, or records reordered, is no change to read.
      .filter((change) => change.before !== change.after)
  );
}

/** "runningPence" → "Running", "leadBodyCode" → "Lead body code". */
function inWords(field: string): string {
  const words = field
    .replace(/Pence$/, '')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function listed(items: unknown[], field: string): string {
  return items.length ? shortened(items.map((item) => itemName(item, field)).join('; ')) : '(none)';
}

/** A list's item by its name where it has one (a member by its body, a partner, a cost by its kind). */
function itemName(item: unknown, field: string): string {
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    const o = item as Record<string, unknown>;
    const name = o.bodyName ?? o.name ?? o.title ?? o.label;
    if (typeof name === 'string') return name;
  }
  return brief(item, field);
}

function brief(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') return '(none)';
  if (Array.isArray(value)) return listed(value, field);
  if (typeof value === 'number' && /Pence$/.test(field)) return formatPounds(value);
  if (typeof value === 'object') {
    return shortened(
      Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${inWords(k).toLowerCase()} ${brief(v, k)}`)
        .join(', '),
    );
  }
  return shortened(String(value));
}

const shortened = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);
