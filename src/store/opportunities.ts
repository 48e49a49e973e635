/**
 * The sums the opportunity finder and the partner finder stand on, read from the spend cube with
 * suppliers and categories joined on: small tables of ids, so a report touches no payment rows.
 */
import { CATEGORIES, type Category } from '../domain/categories.js';
import { InputError } from '../domain/errors.js';
import { type CategoryMarket, hhi, type SharedSupplier } from '../domain/opportunities.js';
import { resolveBodyIds } from './bodies.js';
import type { Sql } from './db.js';
import { partnershipId } from './partnerships.js';

/** Bodies and months to look at; months are the first of the month, `to` included. */
export interface Selection {
  bodies: { id: number; code: string; name: string }[];
  from: string;
  to: string;
}

/** At most this many bodies in one report: beyond it the tables stop being readable. */
export const MAX_BODIES = 500;

/** The bodies named by codes or by a partnership's members, checked against the directory. */
export async function selectBodies(
  sql: Sql,
  choice: { bodies?: string[] | undefined; partnership?: string | undefined },
): Promise<Selection['bodies']> {
  let codes = (choice.bodies ?? []).map((c) => c.trim().toUpperCase()).filter(Boolean);
  if (choice.partnership) {
    const id = await partnershipId(sql, choice.partnership);
    const members = await sql.query<{ code: string }>(
      `SELECT b.code FROM partnership_members m JOIN bodies b ON b.id = m.body_id WHERE m.partnership_id = $1`,
      [id],
    );
    codes = [...new Set([...codes, ...members.map((m) => m.code)])];
  }
  if (!codes.length)
    throw new InputError('Choose a partnership or at least one body', [
      { field: 'bodies', message: 'Choose a partnership or at least one body' },
    ]);
  if (codes.length > MAX_BODIES)
    throw new InputError(`Choose at most ${MAX_BODIES} bodies`, [
      { field: 'bodies', message: `${codes.length} bodies chosen; choose at most ${MAX_BODIES}` },
    ]);
  const idOf = await resolveBodyIds(
    sql,
    codes.map((code) => ({ code, field: 'bodies' })),
  );
  const ids = [...new Set(codes.map(idOf))];
  return sql.query<{ id: number; code: string; name: string }>(
    'SELECT id, code, name FROM bodies WHERE id = ANY($1) ORDER BY name',
    [ids],
  );
}

const CUBE = `spend_cube c
  LEFT JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
  LEFT JOIN category_mappings mc ON mc.body_id = c.body_id AND mc.label_id = c.category_id
  LEFT JOIN category_mappings mt ON mt.body_id = c.body_id AND mt.label_id = c.expense_type_id`;
const IN_SELECTION = 'c.body_id = ANY($1::int[]) AND c.month BETWEEN $2::date AND $3::date';
const CATEGORY = `coalesce(mc.category, mt.category, 'unmapped')`;
const YEAR = `to_char(c.month - interval '3 months', 'YYYY') || '-' || to_char(c.month + interval '9 months', 'YY')`;

const params = (s: Selection) => [s.bodies.map((b) => b.id), s.from, s.to];

export interface SpendRow {
  bodyCode: string;
  year: string;
  category: Category | 'unmapped';
  spendPence: number;
  payments: number;
}

/** Spend by body, financial year and category: the combined-spend tables and chart. */
export async function combinedSpend(sql: Sql, s: Selection): Promise<SpendRow[]> {
  return sql.query<SpendRow>(
    `SELECT b.code AS "bodyCode", ${YEAR} AS year, ${CATEGORY} AS category,
       sum(c.amount_pence)::bigint AS "spendPence", sum(c.payments)::int AS payments
     FROM ${CUBE} JOIN bodies b ON b.id = c.body_id
     WHERE ${IN_SELECTION} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    params(s),
  );
}

/** Suppliers two or more of the bodies pay, largest combined spend first, with the names each used. */
export async function sharedSuppliers(
  sql: Sql,
  s: Selection,
  limit = 100,
): Promise<{ total: number; items: SharedSupplier[] }> {
  const rows = await sql.query<{
    supplierId: number;
    name: string;
    bodyCode: string;
    spendPence: number;
    payments: number;
    names: string[];
    total: number;
  }>(
    `WITH per_body AS (
       SELECT ps.supplier_id, c.body_id, sum(c.amount_pence)::bigint AS spend, sum(c.payments)::int AS payments,
         array_agg(DISTINCT c.payee_id) AS payees
       FROM spend_cube c JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
       WHERE ${IN_SELECTION} GROUP BY 1, 2),
     shared AS (
       SELECT supplier_id, sum(spend) AS spend, count(*) OVER () AS total FROM per_body
       GROUP BY supplier_id HAVING count(*) >= 2 ORDER BY 2 DESC, 1 LIMIT $4)
     SELECT p.supplier_id AS "supplierId", s.name, b.code AS "bodyCode", p.spend AS "spendPence", p.payments,
       (SELECT array_agg(DISTINCT y.name ORDER BY y.name) FROM payees y WHERE y.id = ANY(p.payees)) AS names,
       shared.total::int AS total
     FROM per_body p JOIN shared USING (supplier_id) JOIN suppliers s ON s.id = p.supplier_id
       JOIN bodies b ON b.id = p.body_id
     ORDER BY shared.spend DESC, p.supplier_id, p.spend DESC`,
    [...params(s), limit],
  );
  const items = new Map<number, SharedSupplier>();
  for (const r of rows) {
    const item = items.get(r.supplierId) ?? {
      supplierId: r.supplierId,
      name: r.name,
      spendPence: 0,
      bodies: [],
    };
    item.spendPence += r.spendPence;
    item.bodies.push({
      bodyCode: r.bodyCode,
      spendPence: r.spendPence,
      payments: r.payments,
      names: r.names,
    });
    items.set(r.supplierId, item);
  }
  return { total: rows[0]?.total ?? 0, items: [...items.values()] };
}

/** Each category's market across the bodies: spend, bodies buying, suppliers and concentration. */
export async function categoryMarkets(sql: Sql, s: Selection): Promise<CategoryMarket[]> {
  const rows = await sql.query<{
    category: Category | 'unmapped';
    supplierId: number | null;
    spendPence: number;
    bodies: number;
  }>(
    `SELECT ${CATEGORY} AS category, ps.supplier_id AS "supplierId", sum(c.amount_pence)::bigint AS "spendPence",
       count(DISTINCT c.body_id)::int AS bodies
     FROM ${CUBE} WHERE ${IN_SELECTION} GROUP BY 1, 2`,
    params(s),
  );
  const bodies = await sql.query<{ category: string; bodies: number }>(
    `SELECT ${CATEGORY} AS category, count(DISTINCT c.body_id)::int AS bodies FROM ${CUBE} WHERE ${IN_SELECTION} GROUP BY 1`,
    params(s),
  );
  const bodiesOf = new Map(bodies.map((b) => [b.category, b.bodies]));
  const markets = new Map<string, { spend: number; suppliers: number[] }>();
  for (const r of rows) {
    const m = markets.get(r.category) ?? { spend: 0, suppliers: [] };
    m.spend += r.spendPence;
    // Redacted payees count in the spend, never as a supplier.
    if (r.supplierId !== null) m.suppliers.push(r.spendPence);
    markets.set(r.category, m);
  }
  return [...markets]
    .map(([category, m]) => {
      const positive = m.suppliers.filter((x) => x > 0);
      const total = positive.reduce((a, b) => a + b, 0);
      return {
        category: category as Category | 'unmapped',
        label: category === 'unmapped' ? 'Not yet mapped' : CATEGORIES[category as Category],
        spendPence: m.spend,
        bodies: bodiesOf.get(category) ?? 0,
        suppliers: positive.length,
        topShare: total ? Math.max(...positive) / total : 0,
        hhi: hhi(m.suppliers),
      };
    })
    .sort((a, b) => b.spendPence - a.spendPence);
}

export interface Overlap {
  a: string;
  b: string;
  /** Weighted Jaccard of the two bodies' spend by supplier: shared spend over all their spend. */
  overlap: number;
  sharedPence: number;
}

/** How much of each pair of bodies' spend goes to the same suppliers. */
export async function overlaps(sql: Sql, s: Selection): Promise<Overlap[]> {
  return sql.query<Overlap>(
    `WITH per_body AS (
       SELECT c.body_id, ps.supplier_id, greatest(sum(c.amount_pence), 0)::float8 AS spend
       FROM spend_cube c JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
       WHERE ${IN_SELECTION} GROUP BY 1, 2),
     totals AS (SELECT body_id, sum(spend) AS total FROM per_body GROUP BY 1),
     pairs AS (
       SELECT x.body_id AS a, y.body_id AS b, sum(least(x.spend, y.spend)) AS shared
       FROM per_body x JOIN per_body y ON x.supplier_id = y.supplier_id AND x.body_id < y.body_id GROUP BY 1, 2)
     SELECT ba.code AS a, bb.code AS b, p.shared / nullif(ta.total + tb.total - p.shared, 0) AS overlap,
       round(p.shared)::bigint AS "sharedPence"
     FROM pairs p JOIN totals ta ON ta.body_id = p.a JOIN totals tb ON tb.body_id = p.b
       JOIN bodies ba ON ba.id = p.a JOIN bodies bb ON bb.id = p.b
     ORDER BY 3 DESC`,
    params(s),
  );
}

export interface Partner {
  code: string;
  name: string;
  relation: 'neighbour' | 'region' | 'other';
  /** Weighted Jaccard of spend by supplier, 0 to 1. */
  supplierOverlap: number;
  /** Weighted Jaccard of spend by category, 0 to 1. */
  categoryOverlap: number;
  sharedPence: number;
  /** The shared suppliers that make most of the overlap. */
  suppliers: string[];
}

/**
 * Every other body with spend in the period, neighbours first, then the same region, then the
 * rest, each group by how much of their spend goes to the same suppliers.
 */
export async function partnerFinder(
  sql: Sql,
  bodyCode: string,
  period: { from: string; to: string },
  limit = 50,
) {
  const id = (await resolveBodyIds(sql, [{ code: bodyCode, field: 'body' }]))(bodyCode);
  return sql.query<Partner>(
    `WITH per_supplier AS (
       SELECT c.body_id, ps.supplier_id, greatest(sum(c.amount_pence), 0)::float8 AS spend
       FROM spend_cube c JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
       WHERE c.month BETWEEN $2::date AND $3::date GROUP BY 1, 2),
     per_category AS (
       SELECT c.body_id, ${CATEGORY} AS category, greatest(sum(c.amount_pence), 0)::float8 AS spend
       FROM ${CUBE} WHERE c.month BETWEEN $2::date AND $3::date GROUP BY 1, 2),
     mine AS (SELECT supplier_id, spend FROM per_supplier WHERE body_id = $1),
     supplier_totals AS (SELECT body_id, sum(spend) AS total FROM per_supplier GROUP BY 1),
     category_totals AS (SELECT body_id, sum(spend) AS total FROM per_category GROUP BY 1),
     shared AS (
       SELECT o.body_id, sum(least(o.spend, m.spend)) AS shared,
         (array_agg(s.name ORDER BY least(o.spend, m.spend) DESC))[1:5] AS suppliers
       FROM per_supplier o JOIN mine m USING (supplier_id) JOIN suppliers s ON s.id = o.supplier_id
       WHERE o.body_id <> $1 GROUP BY 1),
     shared_categories AS (
       SELECT o.body_id, sum(least(o.spend, m.spend)) AS shared
       FROM per_category o JOIN per_category m ON m.category = o.category AND m.body_id = $1
       WHERE o.body_id <> $1 GROUP BY 1),
     me AS (SELECT region FROM bodies WHERE id = $1)
     SELECT b.code, b.name,
       CASE WHEN EXISTS (SELECT 1 FROM body_neighbours n WHERE n.body_id = $1 AND n.neighbour_id = b.id) THEN 'neighbour'
            WHEN b.region IS NOT NULL AND b.region = (SELECT region FROM me) THEN 'region' ELSE 'other' END AS relation,
       coalesce(sh.shared / nullif(st.total + (SELECT total FROM supplier_totals WHERE body_id = $1) - sh.shared, 0), 0) AS "supplierOverlap",
       coalesce(sc.shared / nullif(ct.total + (SELECT total FROM category_totals WHERE body_id = $1) - sc.shared, 0), 0) AS "categoryOverlap",
       round(coalesce(sh.shared, 0))::bigint AS "sharedPence",
       coalesce(sh.suppliers, '{}') AS suppliers
     FROM category_totals ct JOIN bodies b ON b.id = ct.body_id
       LEFT JOIN supplier_totals st ON st.body_id = ct.body_id
       LEFT JOIN shared sh ON sh.body_id = ct.body_id LEFT JOIN shared_categories sc ON sc.body_id = ct.body_id
     WHERE ct.body_id <> $1
     ORDER BY CASE WHEN EXISTS (SELECT 1 FROM body_neighbours n WHERE n.body_id = $1 AND n.neighbour_id = b.id) THEN 0
                   WHEN b.region = (SELECT region FROM me) THEN 1 ELSE 2 END,
       4 DESC, 5 DESC, b.name
     LIMIT $4`,
    [id, period.from, period.to, limit],
  );
}

export interface EvidencePayment {
  bodyCode: string;
  paidOn?: string;
  month: string;
  amountPence: number;
  payee: string;
  supplierId?: number;
  expenseType?: string;
}

/** The payments behind a category or supplier figure, largest first. */
export async function evidencePayments(
  sql: Sql,
  s: Selection,
  of: { category?: string | undefined; supplierId?: number | undefined },
  limit = 200,
): Promise<EvidencePayment[]> {
  const rows = await sql.query<EvidencePayment>(
    `SELECT b.code AS "bodyCode", c.paid_on AS "paidOn", c.month, c.amount_pence AS "amountPence", p.name AS payee,
       ps.supplier_id AS "supplierId", l.value AS "expenseType"
     FROM payments c JOIN bodies b ON b.id = c.body_id JOIN payees p ON p.id = c.payee_id
       LEFT JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
       LEFT JOIN category_mappings mc ON mc.body_id = c.body_id AND mc.label_id = c.category_id
       LEFT JOIN category_mappings mt ON mt.body_id = c.body_id AND mt.label_id = c.expense_type_id
       LEFT JOIN spend_labels l ON l.id = coalesce(c.expense_type_id, c.category_id)
     WHERE ${IN_SELECTION} AND ($4::text IS NULL OR ${CATEGORY} = $4) AND ($5::int IS NULL OR ps.supplier_id = $5)
     ORDER BY c.amount_pence DESC LIMIT $6`,
    [...params(s), of.category ?? null, of.supplierId ?? null, limit],
  );
  return rows.map(
    (r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)) as EvidencePayment,
  );
}

/** The first and last month with spend for the bodies: the default period. */
export async function spendPeriod(sql: Sql, bodyIds: number[]): Promise<{ from?: string; to?: string }> {
  const [row] = await sql.query<{ from: string | null; to: string | null }>(
    'SELECT min(month) AS from, max(month) AS to FROM spend_cube WHERE body_id = ANY($1::int[])',
    [bodyIds],
  );
  return { ...(row?.from ? { from: row.from } : {}), ...(row?.to ? { to: row.to } : {}) };
}
