import type { Membership } from '../domain/access.js';
import type { Action, Actor, AuditEvent, RecordType } from '../domain/audit.js';
import type { Sql } from './db.js';
import { visibleTo } from './membership.js';
import { Conditions, withoutNulls } from './rows.js';

export interface Change {
  action: Action;
  recordType: RecordType;
  recordKey: string;
  recordName: string;
  /** The partnership whose members may read the change (it may hold their private figures). */
  partnershipId?: number | undefined;
  /** The body whose administrators may read the change (changes to its users and their tokens). */
  bodyId?: number | undefined;
  before?: unknown;
  after?: unknown;
}

export async function recordChange(sql: Sql, actor: Actor, change: Change) {
  await sql.query(
    `INSERT INTO audit_events (user_id, actor, action, record_type, record_key, record_name, partnership_id,
       body_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      actor.userId ?? null,
      actor.name,
      change.action,
      change.recordType,
      change.recordKey,
      change.recordName,
      change.partnershipId ?? null,
      change.bodyId ?? null,
      change.before === undefined ? null : JSON.stringify(change.before),
      change.after === undefined ? null : JSON.stringify(change.after),
    ],
  );
}

export interface AuditFilter {
  recordType?: RecordType | undefined;
  recordKey?: string | undefined;
  /** Every change to a partnership's records: itself, its projects, business cases and notes. */
  partnershipSlug?: string | undefined;
  limit?: number;
}

/**
 * The changes a reader may see, newest first. A change tied to a partnership is for its members;
 * a change to an account is for the administrators of its body (and site administrators); the rest
 * are for any signed-in user.
 */
export async function listChanges(
  sql: Sql,
  reader: Membership & { administersBody: string | null },
  filter: AuditFilter,
): Promise<AuditEvent[]> {
  const c = new Conditions()
    .add('e.record_type = ?', filter.recordType)
    .add('e.record_key = ?', filter.recordKey)
    .add('e.partnership_id = (SELECT id FROM partnerships WHERE slug = ?)', filter.partnershipSlug);
  c.require(visibleTo(c, reader, 'e.partnership_id IS NOT NULL', 'e.partnership_id'));
  // Accounts are personal: their changes are for site administrators and the body's administrators only.
  c.require(
    `(e.record_type NOT IN ('user', 'api_token') OR ${c.param(reader.all)}::boolean
      OR e.body_id = (SELECT id FROM bodies WHERE code = ${c.param(reader.administersBody)}::text))`,
  );
  const rows = await sql.query<AuditEvent>(
    `SELECT e.id::int, e.at, e.actor, e.action, e.record_type AS "recordType", e.record_key AS "recordKey",
       e.record_name AS "recordName", e.before, e.after
     FROM audit_events e ${c.where()} ORDER BY e.at DESC, e.id DESC LIMIT ${c.param(filter.limit ?? 200)}`,
    c.params,
  );
  return rows.map((r) => withoutNulls(r) as AuditEvent);
}
