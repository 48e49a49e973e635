import {
  DirectoryNames,
  type ExclusionReason,
  expenseExclusion,
  payeeExclusion,
} from '../domain/addressable.js';
import { NotFoundError } from '../domain/errors.js';
import type { Sql } from './db.js';

/**
 * Joins that give the reason a row of spend `c` (payments, or the spend cube: both have a payee,
 * an expense type and a category) is not addressable, in EXCLUDED; NULL where it is. The payee's
 * reason comes first (HMRC is tax whatever the expense type says), then the expense type's.
 */
export const EXCLUSION_JOINS = `LEFT JOIN payee_exclusions xp ON xp.payee_id = c.payee_id
       LEFT JOIN label_exclusions xt ON xt.label_id = c.expense_type_id
       LEFT JOIN label_exclusions xc ON xc.label_id = c.category_id`;
export const EXCLUDED = 'coalesce(xp.reason, xt.reason, xc.reason)';

/**
 * Decides, for every payee and expense type not yet decided, whether its spend is addressable, by
 * the rules in domain/addressable.ts and the directory of bodies. Returns the bodies paying what was
 * found excluded, whose analysis the caller rebuilds.
 */
export async function decideExclusions(tx: Sql): Promise<number[]> {
  const payees = await tx.query<{ id: number; name: string; redacted: boolean }>(
    `SELECT p.id, p.name, p.redacted FROM payees p
     WHERE NOT EXISTS (SELECT 1 FROM payee_exclusions x WHERE x.payee_id = p.id)`,
  );
  const labels = await tx.query<{ id: number; value: string }>(
    `SELECT l.id, l.value FROM spend_labels l WHERE l.kind IN ('expenseType', 'categoryLabel')
       AND NOT EXISTS (SELECT 1 FROM label_exclusions x WHERE x.label_id = l.id)`,
  );
  // The directory's names are read only when there are new payees to hold them against.
  const names = payees.length
    ? await tx.query<{ name: string }>('SELECT name FROM bodies UNION SELECT unnest(alt_names) FROM bodies')
    : [];
  const directory = new DirectoryNames(names.map((n) => n.name));
  const payeeReasons = payees.map((p) => payeeExclusion(p, directory) ?? null);
  const labelReasons = labels.map((l) => expenseExclusion(l.value) ?? null);
  await tx.query(
    `INSERT INTO payee_exclusions (payee_id, reason, method)
     SELECT id, reason, 'rule' FROM unnest($1::int[], $2::text[]) AS x(id, reason) ON CONFLICT DO NOTHING`,
    [payees.map((p) => p.id), payeeReasons],
  );
  await tx.query(
    `INSERT INTO label_exclusions (label_id, reason, method)
     SELECT id, reason, 'rule' FROM unnest($1::int[], $2::text[]) AS x(id, reason) ON CONFLICT DO NOTHING`,
    [labels.map((l) => l.id), labelReasons],
  );
  const excludedPayees = payees.filter((_, i) => payeeReasons[i]).map((p) => p.id);
  // Run at every refresh: a code-only label's bodies change as any body imports.
  const excludedLabels = [
    ...labels.filter((_, i) => labelReasons[i]).map((l) => l.id),
    ...(await followLedgerCodes(tx)),
  ];
  const bodies = await tx.query<{ body_id: number }>(
    `SELECT DISTINCT body_id FROM spend_cube WHERE payee_id = ANY($1::int[])
       OR expense_type_id = ANY($2::int[]) OR category_id = ANY($2::int[])`,
    [excludedPayees, excludedLabels],
  );
  return bodies.map((b) => b.body_id);
}

/**
 * An expense type published as a ledger code alone ("D3701") takes the reason its words were given
 * where the same bodies published the code with words ("D3701 Grants"): the same code means the
 * same expense type at a body. A code-only label is one row for every body that writes that code,
 * and ledger codes are each body's own, so it follows only when every body paying under it wrote
 * the code with words and they all agree. Decided again as words arrive, unless a person confirmed
 * it. Returns the labels whose reason changed.
 */
async function followLedgerCodes(tx: Sql): Promise<number[]> {
  const codes = await tx.query<{
    id: number;
    value: string;
    reason: ExclusionReason | null;
    method: string;
    followed: boolean;
    followedReason: ExclusionReason | null;
  }>(
    `WITH worded AS (
       SELECT DISTINCT c.body_id, l.code, x.reason
         FROM spend_cube c JOIN spend_labels l ON l.id = c.expense_type_id
         JOIN label_exclusions x ON x.label_id = l.id
         WHERE l.code <> '' AND l.value <> l.code),
     codes AS (
       SELECT l.id, l.value, min(w.reason) AS "followedReason",
         bool_and(w.code IS NOT NULL) AND count(DISTINCT coalesce(w.reason, '')) = 1 AS followed
         FROM spend_labels l JOIN spend_cube c ON c.expense_type_id = l.id
         LEFT JOIN worded w ON w.body_id = c.body_id AND w.code = l.code
         WHERE l.kind = 'expenseType' AND l.value = l.code
         GROUP BY l.id, l.value)
     SELECT k.*, x.reason, x.method FROM codes k JOIN label_exclusions x ON x.label_id = k.id
       WHERE x.method <> 'confirmed'`,
  );
  // Where the bodies no longer agree (another body now writes the code alone), the rules decide again.
  const changed = codes.flatMap((c) => {
    const [reason, method] = c.followed
      ? [c.followedReason, 'ledger']
      : [c.method === 'ledger' ? (expenseExclusion(c.value) ?? null) : c.reason, c.method];
    return reason === c.reason && method === c.method ? [] : [{ id: c.id, reason, method }];
  });
  if (changed.length) {
    await tx.query(
      `UPDATE label_exclusions x SET reason = u.reason, method = u.method
       FROM unnest($1::int[], $2::text[], $3::text[]) AS u(id, reason, method) WHERE x.label_id = u.id`,
      [changed.map((c) => c.id), changed.map((c) => c.reason), changed.map((c) => c.method)],
    );
  }
  return changed.map((c) => c.id);
}

/**
 * Whether any payee held is not yet decided, or any supplier's category by name: after an upgrade,
 * before the first refresh, every one is (migrations 11 and 12), so these alone tell.
 */
export async function hasUndecidedSpend(sql: Sql): Promise<boolean> {
  const [row] = await sql.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM payees p WHERE NOT EXISTS (SELECT 1 FROM payee_exclusions x WHERE x.payee_id = p.id))
       OR EXISTS (SELECT 1 FROM suppliers WHERE category_by_name IS NULL) AS any`,
  );
  return row?.any ?? false;
}

/** What an exclusion decision is about: a payee, or a published expense type or category. */
export type ExclusionSubject = 'payee' | 'label';

export interface ExclusionDecision {
  subject: ExclusionSubject;
  id: number;
  /** The payee's name, or the expense type's words, as published. */
  name: string;
  reason: ExclusionReason | null;
  /** rule, directory or ledger: decided by Pathfinder; confirmed: by a person. */
  method: string;
  spendPence: number;
  payments: number;
}

/**
 * The decisions a person checks, largest spend first: what was left out of addressable spend
 * (`excluded`), or the payees and expense types counted in, where a rule may have missed something.
 */
export async function listExclusionDecisions(
  sql: Sql,
  filter: { body?: string | undefined; excluded: boolean },
  limit = 50,
): Promise<ExclusionDecision[]> {
  const decided = (subject: ExclusionSubject, joins: string, name: string) =>
    `SELECT '${subject}' AS subject, x.id, ${name} AS name, x.reason, x.method,
       sum(c.amount_pence)::bigint AS "spendPence", sum(c.payments)::int AS payments
     FROM spend_cube c JOIN bodies b ON b.id = c.body_id ${joins}
     WHERE ($1::text IS NULL OR b.code = $1) AND (x.reason IS NOT NULL) = $2
     GROUP BY 1, 2, 3, 4, 5`;
  return sql.query<ExclusionDecision>(
    `${decided(
      'payee',
      `JOIN payees p ON p.id = c.payee_id
       JOIN (SELECT payee_id AS id, reason, method FROM payee_exclusions) x ON x.id = p.id`,
      'p.name',
    )}
     UNION ALL
     ${decided(
       'label',
       `JOIN spend_labels l ON l.id IN (c.expense_type_id, c.category_id)
       JOIN (SELECT label_id AS id, reason, method FROM label_exclusions) x ON x.id = l.id`,
       'l.value',
     )}
     ORDER BY "spendPence" DESC, name LIMIT $3`,
    [filter.body?.toUpperCase() ?? null, filter.excluded, limit],
  );
}

/**
 * A person decides whether a payee's or an expense type's spend is addressable, and if not why;
 * rules never change it again, and code-only expense types follow their words. Returns the decision
 * before, and the bodies paying it, whose analysis the caller rebuilds.
 */
export async function confirmExclusion(
  tx: Sql,
  subject: ExclusionSubject,
  id: number,
  reason: ExclusionReason | null,
): Promise<{ name: string; before: ExclusionReason | null; bodyIds: number[] }> {
  const [table, key, names] =
    subject === 'payee'
      ? ['payee_exclusions', 'payee_id', 'payees']
      : ['label_exclusions', 'label_id', 'spend_labels'];
  const [was] = await tx.query<{ name: string; reason: ExclusionReason | null }>(
    `SELECT ${subject === 'payee' ? 'n.name' : 'n.value'} AS name, x.reason
       FROM ${table} x JOIN ${names} n ON n.id = x.${key} WHERE x.${key} = $1 FOR UPDATE OF x`,
    [id],
  );
  if (!was)
    throw new NotFoundError(`No ${subject === 'payee' ? 'payee' : 'expense type'} has the number ${id}`);
  await tx.query(`UPDATE ${table} SET reason = $2, method = 'confirmed' WHERE ${key} = $1`, [id, reason]);
  const followers = subject === 'label' ? await followLedgerCodes(tx) : [];
  const bodies = await tx.query<{ body_id: number }>(
    subject === 'payee'
      ? 'SELECT DISTINCT body_id FROM spend_cube WHERE payee_id = $1'
      : `SELECT DISTINCT body_id FROM spend_cube
           WHERE expense_type_id = ANY($2::int[]) OR category_id = ANY($2::int[]) OR expense_type_id = $1 OR category_id = $1`,
    subject === 'payee' ? [id] : [id, followers],
  );
  return { name: was.name, before: was.reason, bodyIds: bodies.map((b) => b.body_id) };
}
