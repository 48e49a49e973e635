/**
 * The sums the opportunity finder and the partner finder stand on, read from the spend cube with
 * suppliers and categories joined on: small tables of ids, so a report touches no payment rows.
 */
import type { ExclusionReason } from '../domain/addressable.js';
import type { Category } from '../domain/categories.js';
import { InputError } from '../domain/errors.js';
import type { SpendFact } from '../domain/opportunities.js';
import { spendWithUsualCategories } from './analysis-cube.js';
import { resolveBodyIds } from './bodies.js';
import type { Sql } from './db.js';
import { EXCLUDED, EXCLUSION_JOINS } from './exclusions.js';
import { financialYear, withoutNulls } from './rows.js';
import { partnershipId } from './keys.js';

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

const IN_SELECTION = 'c.body_id = ANY($1::int[]) AND c.month BETWEEN $2::date AND $3::date';
/** Spend a council could buy otherwise: tax, pensions, levies and the like are left out (domain/addressable.ts). */
const ADDRESSABLE = `${IN_SELECTION} AND c.excluded IS NULL`;

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
  // Summed by month first: the year's label, worked out per row of the cube, took most of the time.
  return sql.query<SpendRow>(
    `SELECT b.code AS "bodyCode", ${financialYear('m.month')} AS year, m.category,
       sum(m.spend)::bigint AS "spendPence", sum(m.payments)::int AS payments
     FROM (SELECT c.body_id, c.month, c.category, sum(c.amount_pence) AS spend, sum(c.payments) AS payments
           FROM analysis_cube c WHERE ${ADDRESSABLE} GROUP BY 1, 2, 3) m
       JOIN bodies b ON b.id = m.body_id
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    params(s),
  );
}

/** Combined spend by month: the spend-over-time chart. */
export async function monthlySpend(sql: Sql, s: Selection): Promise<{ month: string; spendPence: number }[]> {
  return sql.query<{ month: string; spendPence: number }>(
    `SELECT c.month, sum(c.amount_pence)::bigint AS "spendPence" FROM analysis_cube c
     WHERE ${ADDRESSABLE} GROUP BY 1 ORDER BY 1`,
    params(s),
  );
}

/** Spend by body, supplier and category over the period: what the analysis works from. */
export async function spendFacts(sql: Sql, s: Selection): Promise<SpendFact[]> {
  const code = new Map(s.bodies.map((b) => [b.id, b.code]));
  const rows = await sql.query<{
    b: number;
    s: number | null;
    c: Category | 'unmapped';
    p: number;
    n: number;
  }>(
    `SELECT c.body_id AS b, c.supplier_id AS s, c.category AS c, sum(c.amount_pence)::bigint AS p, sum(c.payments)::int AS n
     FROM analysis_cube c WHERE ${ADDRESSABLE} GROUP BY 1, 2, 3`,
    params(s),
  );
  return rows.map((r) => ({
    bodyCode: code.get(r.b) as string,
    supplierId: r.s,
    category: r.c,
    spendPence: r.p,
    payments: r.n,
  }));
}

/** The months each body has spend in within the period: a year's worth is twelve. */
export async function monthsHeld(sql: Sql, s: Selection): Promise<Map<string, number>> {
  // Distinct pairs by hashing, then counted: count(DISTINCT) sorted each body's rows.
  const rows = await sql.query<{ bodyCode: string; months: number }>(
    `SELECT b.code AS "bodyCode", count(*)::int AS months
     FROM (SELECT DISTINCT c.body_id, c.month FROM spend_cube c WHERE ${IN_SELECTION}) m
       JOIN bodies b ON b.id = m.body_id GROUP BY 1`,
    params(s),
  );
  return new Map(rows.map((r) => [r.bodyCode, r.months]));
}

export interface ExcludedRow {
  bodyCode: string;
  reason: ExclusionReason;
  spendPence: number;
  payments: number;
}

/** The spend left out of the analysis, by body and reason. */
export async function excludedSpend(sql: Sql, s: Selection): Promise<ExcludedRow[]> {
  return sql.query<ExcludedRow>(
    `SELECT b.code AS "bodyCode", c.excluded AS reason, sum(c.amount_pence)::bigint AS "spendPence",
       sum(c.payments)::int AS payments
     FROM analysis_cube c JOIN bodies b ON b.id = c.body_id
     WHERE ${IN_SELECTION} AND c.excluded IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
    params(s),
  );
}

export async function supplierNames(sql: Sql, ids: number[]): Promise<Map<number, string>> {
  const rows = await sql.query<{ id: number; name: string }>(
    'SELECT id, name FROM suppliers WHERE id = ANY($1::int[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The names each body paid each of these suppliers under in the period. */
export async function namesUsed(sql: Sql, s: Selection, supplierIds: number[]) {
  const rows = await sql.query<{ supplierId: number; bodyCode: string; names: string[] }>(
    `SELECT ps.supplier_id AS "supplierId", b.code AS "bodyCode", array_agg(DISTINCT p.name ORDER BY p.name) AS names
     FROM spend_cube c JOIN payee_suppliers ps ON ps.payee_id = c.payee_id JOIN payees p ON p.id = c.payee_id
       JOIN bodies b ON b.id = c.body_id
     WHERE ${IN_SELECTION} AND ps.supplier_id = ANY($4::int[]) GROUP BY 1, 2`,
    [...params(s), supplierIds],
  );
  return new Map(rows.map((r) => [`${r.supplierId} ${r.bodyCode}`, r.names]));
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
  /** The categories both buy most of, largest shared spend first. */
  categories: Category[];
  /** Between the centres of the two bodies' areas, where both are known. */
  distanceKm: number | null;
}

/** The orders the partner finder lists bodies in, each by the column named, largest first (name: A to Z). */
export const PARTNER_ORDERS = ['overlap', 'shared', 'categories', 'distance', 'name'] as const;
export type PartnerOrder = (typeof PARTNER_ORDERS)[number];
const ORDER_BY: Record<PartnerOrder, string> = {
  overlap: '"supplierOverlap" DESC, "categoryOverlap" DESC, name',
  shared: '"sharedPence" DESC, name',
  categories: '"categoryOverlap" DESC, "supplierOverlap" DESC, name',
  distance: '"distanceKm" ASC NULLS LAST, name',
  name: 'name',
};

/**
 * Every other body with addressable spend in the period (or its neighbours, or those in its
 * region), by how much of their spend goes to the same suppliers, or in the order chosen.
 */
export async function partnerFinder(
  sql: Sql,
  bodyCode: string,
  period: { from: string; to: string },
  view: { sort: PartnerOrder; near: 'all' | 'neighbours' | 'region' } = { sort: 'overlap', near: 'all' },
  limit = 50,
) {
  const order = ORDER_BY[view.sort];
  const near = { all: 'true', neighbours: "relation = 'neighbour'", region: "relation <> 'other'" }[
    view.near
  ];
  const id = (await resolveBodyIds(sql, [{ code: bodyCode, field: 'body' }]))(bodyCode);
  return sql.query<Partner>(
    `WITH in_period AS (
       SELECT body_id, supplier_id, category, amount_pence FROM analysis_cube c
       WHERE c.month BETWEEN $2::date AND $3::date AND c.excluded IS NULL),
     per_supplier AS (
       SELECT body_id, supplier_id, greatest(sum(amount_pence), 0)::float8 AS spend
       FROM in_period WHERE supplier_id IS NOT NULL GROUP BY 1, 2),
     per_category AS (
       SELECT body_id, category, greatest(sum(amount_pence), 0)::float8 AS spend FROM in_period GROUP BY 1, 2),
     mine AS (SELECT supplier_id, spend FROM per_supplier WHERE body_id = $1),
     supplier_totals AS (SELECT body_id, sum(spend) AS total FROM per_supplier GROUP BY 1),
     category_totals AS (SELECT body_id, sum(spend) AS total FROM per_category GROUP BY 1),
     shared AS (
       SELECT o.body_id, sum(least(o.spend, m.spend)) AS shared,
         (array_agg(o.supplier_id ORDER BY least(o.spend, m.spend) DESC))[1:5] AS suppliers
       FROM per_supplier o JOIN mine m USING (supplier_id) WHERE o.body_id <> $1 GROUP BY 1),
     shared_categories AS (
       SELECT o.body_id, sum(least(o.spend, m.spend)) AS shared,
         (array_agg(o.category ORDER BY least(o.spend, m.spend) DESC)
            FILTER (WHERE o.category <> 'unmapped' AND least(o.spend, m.spend) > 0))[1:3] AS categories
       FROM per_category o JOIN per_category m ON m.category = o.category AND m.body_id = $1
       WHERE o.body_id <> $1 GROUP BY 1),
     me AS (SELECT region, latitude, longitude FROM bodies WHERE id = $1),
     scored AS (
       SELECT b.code, b.name,
         CASE WHEN EXISTS (SELECT 1 FROM body_neighbours n WHERE n.body_id = $1 AND n.neighbour_id = b.id) THEN 'neighbour'
              WHEN b.region IS NOT NULL AND b.region = (SELECT region FROM me) THEN 'region' ELSE 'other' END AS relation,
         coalesce(sh.shared / nullif(st.total + (SELECT total FROM supplier_totals WHERE body_id = $1) - sh.shared, 0), 0) AS "supplierOverlap",
         coalesce(sc.shared / nullif(ct.total + (SELECT total FROM category_totals WHERE body_id = $1) - sc.shared, 0), 0) AS "categoryOverlap",
         round(coalesce(sh.shared, 0))::bigint AS "sharedPence",
         -- Great-circle distance (haversine) on a sphere of the Earth's mean radius, 6,371 km.
         round((2 * 6371 * asin(sqrt(
           power(sin(radians(b.latitude - me.latitude) / 2), 2)
           + cos(radians(me.latitude)) * cos(radians(b.latitude)) * power(sin(radians(b.longitude - me.longitude) / 2), 2)
         )))::numeric)::int AS "distanceKm",
         coalesce(sh.suppliers, '{}') AS supplier_ids, coalesce(sc.categories, '{}') AS categories
       FROM category_totals ct JOIN bodies b ON b.id = ct.body_id CROSS JOIN me
         LEFT JOIN supplier_totals st ON st.body_id = ct.body_id
         LEFT JOIN shared sh ON sh.body_id = ct.body_id LEFT JOIN shared_categories sc ON sc.body_id = ct.body_id
       WHERE ct.body_id <> $1),
     ranked AS (SELECT * FROM scored WHERE ${near} ORDER BY ${order} LIMIT $4)
     SELECT r.code, r.name, r.relation, r."supplierOverlap", r."categoryOverlap", r."sharedPence", r.categories,
       r."distanceKm",
       coalesce((SELECT array_agg(s.name ORDER BY array_position(r.supplier_ids, s.id)) FROM suppliers s
                 WHERE s.id = ANY(r.supplier_ids)), '{}') AS suppliers
     FROM ranked r ORDER BY ${order}`,
    [id, period.from, period.to, limit],
  );
}

export interface EvidencePayment {
  bodyCode: string;
  bodyName: string;
  paidOn?: string;
  month: string;
  amountPence: number;
  payee: string;
  supplierId?: number;
  expenseType?: string;
}

/**
 * The addressable payments behind a category or supplier figure, largest first, with how many there
 * are in all and what they add up to (the figure they are behind), however many are listed.
 */
export async function evidencePayments(
  sql: Sql,
  s: Selection,
  of: { category?: string | undefined; supplierId?: number | undefined },
  limit = 200,
): Promise<{ payments: EvidencePayment[]; count: number; totalPence: number }> {
  const rows = await sql.query<EvidencePayment & { count: number; totalPence: number }>(
    `WITH ${spendWithUsualCategories('WHERE c.body_id = ANY($1::int[])')}
     SELECT b.code AS "bodyCode", b.name AS "bodyName", c.paid_on AS "paidOn", c.month,
       c.amount_pence AS "amountPence", p.name AS payee, ps.supplier_id AS "supplierId", l.value AS "expenseType",
       count(*) OVER ()::int AS count, sum(c.amount_pence) OVER ()::int8 AS "totalPence"
     FROM payments c JOIN bodies b ON b.id = c.body_id JOIN payees p ON p.id = c.payee_id
       LEFT JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
       LEFT JOIN category_mappings mc ON mc.body_id = c.body_id AND mc.label_id = c.category_id
       LEFT JOIN category_mappings mt ON mt.body_id = c.body_id AND mt.label_id = c.expense_type_id
       LEFT JOIN usual u ON u.body_id = c.body_id AND u.supplier_id = ps.supplier_id
       LEFT JOIN suppliers n ON n.id = ps.supplier_id
       LEFT JOIN spend_labels l ON l.id = coalesce(c.expense_type_id, c.category_id)
       ${EXCLUSION_JOINS}
     WHERE ${IN_SELECTION} AND ${EXCLUDED} IS NULL
       AND ($4::text IS NULL OR coalesce(mc.category, mt.category, u.category, nullif(n.category_by_name, ''), 'unmapped') = $4)
       AND ($5::int IS NULL OR ps.supplier_id = $5)
     ORDER BY c.amount_pence DESC LIMIT $6`,
    [...params(s), of.category ?? null, of.supplierId ?? null, limit],
  );
  return {
    payments: rows.map(({ count: _count, totalPence: _total, ...r }) => withoutNulls(r) as EvidencePayment),
    count: rows[0]?.count ?? 0,
    totalPence: rows[0]?.totalPence ?? 0,
  };
}

/** The first and last month with spend for the bodies: the default period. */
export async function spendPeriod(sql: Sql, bodyIds: number[]): Promise<{ from?: string; to?: string }> {
  const [row] = await sql.query<{ from: string | null; to: string | null }>(
    'SELECT min(month) AS from, max(month) AS to FROM spend_cube WHERE body_id = ANY($1::int[])',
    [bodyIds],
  );
  return { ...(row?.from ? { from: row.from } : {}), ...(row?.to ? { to: row.to } : {}) };
}
