import { categoryByName } from '../domain/categories.js';
import { NotFoundError } from '../domain/errors.js';
import type { SupplierGroup } from '../domain/suppliers/numbering.js';
import type { Decision, Payee } from '../domain/suppliers/resolve.js';
import type { Sql } from './db.js';
import { Conditions, containing, financialYear, type Page, type Paging, withoutNulls } from './rows.js';

/**
 * One change to the grouping of payees at a time: two imports finishing together must not
 * interleave their writes. Taken first by anything that writes the grouping, before any row lock,
 * so that no two transactions wait for each other in opposite orders (a deadlock on PostgreSQL).
 */
export async function lockSupplierGrouping(tx: Sql) {
  await tx.query('SELECT pg_advisory_xact_lock(7115003)');
}

/** Every payee with its identifiers and the spend paid to it, to be grouped into suppliers. */
export async function payeesToGroup(tx: Sql): Promise<(Payee & { spend: number })[]> {
  return tx.query<Payee & { spend: number }>(
    `SELECT p.id, p.name, p.vat_number AS "vatNumber", p.company_number AS "companyNumber",
       p.charity_number AS "charityNumber", p.redacted, coalesce(s.spend, 0) AS spend
     FROM payees p LEFT JOIN (SELECT payee_id, sum(abs(amount_pence))::bigint AS spend FROM spend_cube GROUP BY payee_id) s
       ON s.payee_id = p.id`,
  );
}

/** People's decisions that two payees are, or are not, one supplier. */
export async function supplierDecisions(tx: Sql): Promise<Decision[]> {
  return tx.query<Decision>('SELECT payee_a AS a, payee_b AS b, same FROM supplier_decisions');
}

/** The supplier each payee belongs to now. */
export async function currentGrouping(tx: Sql): Promise<Map<number, number>> {
  const rows = await tx.query<{ payee_id: number; supplier_id: number }>(
    'SELECT payee_id, supplier_id FROM payee_suppliers',
  );
  return new Map(rows.map((r) => [r.payee_id, r.supplier_id]));
}

/**
 * Replaces the grouping of payees into suppliers: suppliers keep their numbers where given one,
 * new ones are numbered, those no group kept are removed, and each supplier's totals are summed
 * again. `why` says why a payee joined its supplier. Returns the supplier of each payee, and the
 * payees of kept suppliers whose category by name changed (renamed, or never decided before), whose
 * bodies' analysis is stale.
 */
export async function saveGrouping(
  tx: Sql,
  groups: SupplierGroup[],
  why: Map<number, { confidence: number; reason: string }>,
): Promise<{ supplierOf: Map<number, number>; recategorised: number[] }> {
  const supplierOf = new Map<SupplierGroup, number>();
  const kept = groups.filter((g) => g.supplierId !== undefined);
  for (const g of kept) supplierOf.set(g, g.supplierId as number);
  // '' is decided: the name says nothing. NULL is not yet decided (held before migration 12).
  const byName = (g: SupplierGroup) => categoryByName(g.name) ?? '';
  const before = new Map(
    (
      await tx.query<{ id: number; category: string | null }>(
        'SELECT id, category_by_name AS category FROM suppliers WHERE id = ANY($1::int[])',
        [kept.map((g) => g.supplierId)],
      )
    ).map((r) => [r.id, r.category]),
  );
  const recategorised = kept
    .filter((g) => before.get(g.supplierId as number) !== byName(g))
    .flatMap((g) => g.payees);
  await tx.query('DELETE FROM payee_suppliers');
  if (kept.length) {
    await tx.query(
      `UPDATE suppliers s SET name = n.name, category_by_name = n.category
       FROM unnest($1::int[], $2::text[], $3::text[]) AS n(id, name, category) WHERE s.id = n.id`,
      [kept.map((g) => g.supplierId), kept.map((g) => g.name), kept.map(byName)],
    );
  }
  await tx.query('DELETE FROM suppliers WHERE NOT (id = ANY($1::int[]))', [kept.map((g) => g.supplierId)]);
  const fresh = groups.filter((g) => g.supplierId === undefined);
  if (fresh.length) {
    const ids = await tx.query<{ id: number }>(
      'INSERT INTO suppliers (name, category_by_name) SELECT * FROM unnest($1::text[], $2::text[]) RETURNING id',
      [fresh.map((g) => g.name), fresh.map(byName)],
    );
    fresh.forEach((g, i) => supplierOf.set(g, (ids[i] as { id: number }).id));
  }
  const rows = groups.flatMap((g) =>
    g.payees.map(
      (p) => [p, supplierOf.get(g), why.get(p)?.confidence ?? 1, why.get(p)?.reason ?? 'first'] as const,
    ),
  );
  await tx.query(
    `INSERT INTO payee_suppliers (payee_id, supplier_id, confidence, reason)
     SELECT * FROM unnest($1::int[], $2::int[], $3::real[], $4::text[])`,
    [0, 1, 2, 3].map((i) => rows.map((r) => r[i])),
  );
  await tx.query(
    `UPDATE suppliers s SET names = t.names, bodies = t.bodies, spend_pence = t.spend
     FROM (SELECT ps.supplier_id, count(DISTINCT ps.payee_id)::int AS names, count(DISTINCT c.body_id)::int AS bodies,
             coalesce(sum(c.amount_pence), 0)::bigint AS spend
           FROM payee_suppliers ps LEFT JOIN spend_cube c ON c.payee_id = ps.payee_id GROUP BY 1) t
     WHERE t.supplier_id = s.id`,
  );
  return { supplierOf: new Map(rows.map(([payee, supplier]) => [payee, supplier as number])), recategorised };
}

/** The bodies that pay any of these payees. */
export async function bodiesPaying(tx: Sql, payeeIds: number[]): Promise<number[]> {
  const rows = await tx.query<{ body_id: number }>(
    'SELECT DISTINCT body_id FROM spend_cube WHERE payee_id = ANY($1::int[])',
    [payeeIds],
  );
  return rows.map((r) => r.body_id);
}

/** Replaces the pairs of payees a person is asked about. */
export async function saveReviews(tx: Sql, pairs: { a: number; b: number; confidence: number }[]) {
  await tx.query('DELETE FROM supplier_reviews');
  await tx.query(
    `INSERT INTO supplier_reviews (payee_a, payee_b, confidence)
     SELECT * FROM unnest($1::int[], $2::int[], $3::real[]) ON CONFLICT DO NOTHING`,
    [
      pairs.map((r) => Math.min(r.a, r.b)),
      pairs.map((r) => Math.max(r.a, r.b)),
      pairs.map((r) => r.confidence),
    ],
  );
}

export interface SupplierSummary {
  id: number;
  name: string;
  names: number;
  bodies: number;
  spendPence: number;
}

export async function listSuppliers(
  sql: Sql,
  filter: { q?: string | undefined; body?: string | undefined },
  paging: Paging,
): Promise<Page<SupplierSummary>> {
  const where = new Conditions()
    .add(
      'EXISTS (SELECT 1 FROM payee_suppliers x JOIN payees p ON p.id = x.payee_id WHERE x.supplier_id = s.id AND p.name ILIKE ?)',
      containing(filter.q),
    )
    .add(
      `EXISTS (SELECT 1 FROM payee_suppliers x JOIN spend_cube c ON c.payee_id = x.payee_id JOIN bodies b ON b.id = c.body_id
         WHERE x.supplier_id = s.id AND b.code = ?)`,
      filter.body?.toUpperCase(),
    );
  const [count] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM suppliers s ${where.where()}`,
    where.params,
  );
  const items = await sql.query<SupplierSummary>(
    `SELECT s.id, s.name, s.names, s.bodies, s.spend_pence AS "spendPence" FROM suppliers s ${where.where()}
     ORDER BY s.spend_pence DESC, s.name LIMIT ${where.param(paging.perPage)} OFFSET ${where.param((paging.page - 1) * paging.perPage)}`,
    where.params,
  );
  return { items, total: count?.n ?? 0, ...paging };
}

export interface SupplierName {
  payeeId: number;
  name: string;
  confidence: number;
  reason: string;
  vatNumber?: string;
  companyNumber?: string;
  charityNumber?: string;
  bodies: string[];
  spendPence: number;
}

export interface Supplier {
  id: number;
  name: string;
  names: SupplierName[];
  /** Spend by body and financial year (April to March), largest first. */
  spend: { bodyCode: string; bodyName: string; year: string; spendPence: number; payments: number }[];
  /** The largest payments, with the name and expense type each was published under. */
  payments: {
    bodyCode: string;
    bodyName: string;
    paidOn?: string;
    month: string;
    amountPence: number;
    name: string;
    expenseType?: string;
  }[];
}

export async function getSupplier(sql: Sql, id: number): Promise<Supplier> {
  const [supplier] = await sql.query<{ id: number; name: string }>(
    'SELECT id, name FROM suppliers WHERE id = $1',
    [id],
  );
  if (!supplier) throw new NotFoundError(`No supplier has the number ${id}`);
  const names = await sql.query<SupplierName>(
    `SELECT p.id AS "payeeId", p.name, ps.confidence, ps.reason, nullif(p.vat_number, '') AS "vatNumber",
       nullif(p.company_number, '') AS "companyNumber", nullif(p.charity_number, '') AS "charityNumber",
       coalesce(array_agg(DISTINCT b.code) FILTER (WHERE b.code IS NOT NULL), '{}') AS bodies,
       coalesce(sum(c.amount_pence), 0)::bigint AS "spendPence"
     FROM payee_suppliers ps JOIN payees p ON p.id = ps.payee_id
       LEFT JOIN spend_cube c ON c.payee_id = p.id LEFT JOIN bodies b ON b.id = c.body_id
     WHERE ps.supplier_id = $1 GROUP BY p.id, ps.confidence, ps.reason ORDER BY 9 DESC, p.name`,
    [id],
  );
  const spend = await sql.query<Supplier['spend'][number]>(
    `SELECT b.code AS "bodyCode", b.name AS "bodyName",
       ${financialYear('c.month')} AS year,
       sum(c.amount_pence)::bigint AS "spendPence", sum(c.payments)::int AS payments
     FROM spend_cube c JOIN payee_suppliers ps ON ps.payee_id = c.payee_id JOIN bodies b ON b.id = c.body_id
     WHERE ps.supplier_id = $1 GROUP BY 1, 2, 3 ORDER BY 3 DESC, 4 DESC`,
    [id],
  );
  const payments = await sql.query<Supplier['payments'][number]>(
    `SELECT b.code AS "bodyCode", b.name AS "bodyName", pa.paid_on AS "paidOn", pa.month,
       pa.amount_pence AS "amountPence", p.name, l.value AS "expenseType"
     FROM payments pa JOIN payee_suppliers ps ON ps.payee_id = pa.payee_id JOIN payees p ON p.id = pa.payee_id
       JOIN bodies b ON b.id = pa.body_id LEFT JOIN spend_labels l ON l.id = pa.expense_type_id
     WHERE ps.supplier_id = $1 ORDER BY pa.amount_pence DESC LIMIT 50`,
    [id],
  );
  return {
    ...supplier,
    names: names.map((n) => withoutNulls(n) as SupplierName),
    spend,
    payments: payments.map((p) => withoutNulls(p) as Supplier['payments'][number]),
  };
}

/** The supplier a payee name belongs to, matched exactly first, then as part of a name. */
export async function findSupplier(sql: Sql, name: string): Promise<Supplier> {
  const [row] = await sql.query<{ id: number }>(
    `SELECT ps.supplier_id AS id FROM payees p JOIN payee_suppliers ps ON ps.payee_id = p.id
     WHERE p.name ILIKE $1 OR p.name ILIKE $2 ORDER BY (p.name ILIKE $1) DESC, length(p.name) LIMIT 1`,
    [name.replace(/[\\%_]/g, '\\$&'), containing(name)],
  );
  if (!row) throw new NotFoundError(`No supplier is named like "${name}"`);
  return getSupplier(sql, row.id);
}

/** A supplier's payees, with their identifiers. */
export async function payeesOf(tx: Sql, supplierId: number): Promise<Payee[]> {
  const rows = await tx.query<Payee>(
    `SELECT p.id, p.name, p.vat_number AS "vatNumber", p.company_number AS "companyNumber",
       p.charity_number AS "charityNumber"
     FROM payee_suppliers ps JOIN payees p ON p.id = ps.payee_id WHERE ps.supplier_id = $1 ORDER BY p.id`,
    [supplierId],
  );
  if (!rows.length) throw new NotFoundError(`No supplier has the number ${supplierId}`);
  return rows;
}

/** Records a person's decision that two payees are, or are not, one supplier, over any earlier one. */
export async function recordDecision(tx: Sql, a: number, b: number, same: boolean) {
  await tx.query(
    `INSERT INTO supplier_decisions (payee_a, payee_b, same) VALUES ($1, $2, $3)
     ON CONFLICT (payee_a, payee_b) DO UPDATE SET same = EXCLUDED.same, decided_at = now()`,
    [Math.min(a, b), Math.max(a, b), same],
  );
}

/** Forgets decisions of the kind given (`same` or not) that involve only these payees (`among`) or this one. */
export async function forgetDecisions(tx: Sql, same: boolean, payees: { among: number[] } | { of: number }) {
  if ('among' in payees)
    await tx.query(
      'DELETE FROM supplier_decisions WHERE same = $2 AND payee_a = ANY($1::int[]) AND payee_b = ANY($1::int[])',
      [payees.among, same],
    );
  else
    await tx.query('DELETE FROM supplier_decisions WHERE same = $2 AND $1 IN (payee_a, payee_b)', [
      payees.of,
      same,
    ]);
}

/** Moves every payee of one supplier to another. */
export async function movePayees(tx: Sql, fromId: number, intoId: number) {
  await tx.query('UPDATE payee_suppliers SET supplier_id = $2 WHERE supplier_id = $1', [fromId, intoId]);
}

/** The suppliers two payees belong to, if both are held. */
export async function suppliersOfPayees(tx: Sql, a: number, b: number) {
  const [row] = await tx.query<{ a: number; b: number }>(
    'SELECT sa.supplier_id AS a, sb.supplier_id AS b FROM payee_suppliers sa, payee_suppliers sb WHERE sa.payee_id = $1 AND sb.payee_id = $2',
    [a, b],
  );
  return row;
}

export interface ReviewPair {
  confidence: number;
  a: { payeeId: number; name: string; supplierId: number };
  b: { payeeId: number; name: string; supplierId: number };
}

export async function listReviews(sql: Sql, limit = 100): Promise<ReviewPair[]> {
  return sql.query<ReviewPair>(
    `SELECT r.confidence,
       json_build_object('payeeId', pa.id, 'name', pa.name, 'supplierId', sa.supplier_id) AS a,
       json_build_object('payeeId', pb.id, 'name', pb.name, 'supplierId', sb.supplier_id) AS b
     FROM supplier_reviews r JOIN payees pa ON pa.id = r.payee_a JOIN payees pb ON pb.id = r.payee_b
       JOIN payee_suppliers sa ON sa.payee_id = pa.id JOIN payee_suppliers sb ON sb.payee_id = pb.id
     ORDER BY r.confidence DESC, r.payee_a, r.payee_b LIMIT $1`,
    [limit],
  );
}

/** Payees' names as published, in the order of the ids asked for. */
export async function payeeNames(sql: Sql, ids: number[]): Promise<string[]> {
  const rows = await sql.query<{ id: number; name: string }>(
    'SELECT id, name FROM payees WHERE id = ANY($1::int[])',
    [ids],
  );
  return ids.map((id) => rows.find((r) => r.id === id)?.name ?? String(id));
}
