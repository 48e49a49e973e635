/** The kinds of record whose changes are kept, with the words shown for them. */
export const RECORD_TYPES = {
  body: 'Body',
  register: 'Register',
  partnership: 'Partnership',
  project: 'Project',
  business_case: 'Business case',
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

/** The top-level fields that differ between two snapshots of a record, each shown briefly. */
export function changedFields(before: unknown, after: unknown): FieldChange[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((f) => f !== 'updatedAt');
  return fields
    .filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]))
    .map((field) => ({ field, before: brief(b[field]), after: brief(a[field]) }));
}

function brief(value: unknown): string {
  if (value === undefined || value === null || value === '') return '(none)';
  if (Array.isArray(value)) return value.length === 1 ? '1 item' : `${value.length} items`;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
