import { CATEGORIES, type Category, categoryByRule, categoryOfCode } from '../domain/categories.js';
import { NotFoundError } from '../domain/errors.js';
import { resolveBodyIds } from './bodies.js';
import { rebuildAnalysisCube } from './analysis-cube.js';
import type { Sql } from './db.js';
import { EXCLUDED, EXCLUSION_JOINS } from './exclusions.js';

/**
 * Maps every body's published classifications and expense types that have no category yet: by the
 * ProClass or CPV code where the file gave one, by what a person confirmed for the same words at any
 * body, then by the documented rules. What none of these place waits in the unmapped queue.
 * The caller rebuilds the analysis cube (refreshSpendAnalysis resolves suppliers next, which does).
 */
export async function mapCategories(db: Sql): Promise<{ mapped: number; bodyIds: number[] }> {
  return db.transaction(mapOpenLabels);
}

async function mapOpenLabels(tx: Sql): Promise<{ mapped: number; bodyIds: number[] }> {
  const open = await tx.query<{
    bodyId: number;
    labelId: number;
    kind: string;
    value: string;
    code: string;
  }>(
    `SELECT DISTINCT c.body_id AS "bodyId", l.id AS "labelId", l.kind, l.value, l.code
       FROM spend_cube c JOIN spend_labels l ON l.id IN (c.category_id, c.expense_type_id)
       WHERE NOT EXISTS (SELECT 1 FROM category_mappings m WHERE m.body_id = c.body_id AND m.label_id = l.id)`,
  );
  if (!open.length) return { mapped: 0, bodyIds: [] };
  const confirmed = new Map(
    (
      await tx.query<{ value: string; category: Category }>(
        `SELECT DISTINCT ON (lower(l.value)) lower(l.value) AS value, m.category
           FROM category_mappings m JOIN spend_labels l ON l.id = m.label_id WHERE m.method = 'confirmed'
           ORDER BY lower(l.value)`,
      )
    ).map((r) => [r.value, r.category]),
  );
  const rows: [number, number, Category, string][] = [];
  for (const o of open) {
    const fromCode = categoryOfCode(o.code);
    const learned = confirmed.get(o.value.toLowerCase());
    const byRule = categoryByRule(o.kind === 'categoryLabel' ? (o.value.split(':')[0] ?? o.value) : o.value);
    if (fromCode) rows.push([o.bodyId, o.labelId, fromCode, 'code']);
    else if (learned) rows.push([o.bodyId, o.labelId, learned, 'learned']);
    else if (byRule) rows.push([o.bodyId, o.labelId, byRule, 'rule']);
  }
  if (rows.length) {
    await tx.query(
      `INSERT INTO category_mappings (body_id, label_id, category, method)
         SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [0, 1, 2, 3].map((i) => rows.map((r) => r[i])),
    );
  }
  return { mapped: rows.length, bodyIds: [...new Set(rows.map((r) => r[0]))] };
}

export interface UnmappedLabel {
  bodyCode: string;
  bodyName: string;
  labelId: number;
  kind: string;
  value: string;
  spendPence: number;
  payments: number;
}

/**
 * Expense types whose addressable spend has no category, largest spend first: what a person maps
 * next. Spend with a published code mapped is not in the queue whatever its expense type, nor is
 * spend that is not addressable (tax, pensions and the like).
 */
export async function listUnmapped(
  sql: Sql,
  filter: { body?: string | undefined } = {},
  limit = 100,
): Promise<UnmappedLabel[]> {
  return sql.query<UnmappedLabel>(
    `SELECT b.code AS "bodyCode", b.name AS "bodyName", l.id AS "labelId", l.kind, l.value,
       sum(c.amount_pence)::bigint AS "spendPence", sum(c.payments)::int AS payments
     FROM spend_cube c JOIN bodies b ON b.id = c.body_id JOIN spend_labels l ON l.id = c.expense_type_id
       ${EXCLUSION_JOINS}
     WHERE ($1::text IS NULL OR b.code = $1) AND ${EXCLUDED} IS NULL
       AND NOT EXISTS (SELECT 1 FROM category_mappings m WHERE m.body_id = c.body_id AND m.label_id = c.expense_type_id)
       AND NOT EXISTS (SELECT 1 FROM category_mappings m WHERE m.body_id = c.body_id AND m.label_id = c.category_id)
     GROUP BY b.code, b.name, l.id ORDER BY 6 DESC, l.value LIMIT $2`,
    [filter.body?.toUpperCase() ?? null, limit],
  );
}

/**
 * A person says which category a body's expense type (or published classification) belongs to; the
 * same words at other bodies, not yet mapped, take the same category at once.
 */
export async function confirmCategory(sql: Sql, bodyCode: string, labelId: number, category: Category) {
  const bodyId = (await resolveBodyIds(sql, [{ code: bodyCode, field: 'body' }]))(bodyCode);
  const [label] = await sql.query('SELECT id FROM spend_labels WHERE id = $1', [labelId]);
  if (!label) throw new NotFoundError(`No expense type has the number ${labelId}`);
  await sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO category_mappings (body_id, label_id, category, method) VALUES ($1, $2, $3, 'confirmed')
       ON CONFLICT (body_id, label_id) DO UPDATE SET category = EXCLUDED.category, method = 'confirmed'`,
      [bodyId, labelId, category],
    );
    const { bodyIds } = await mapOpenLabels(tx);
    await rebuildAnalysisCube(tx, [bodyId, ...bodyIds]);
  });
}

export interface CategorySpend {
  category: Category | 'unmapped';
  label: string;
  spendPence: number;
  payments: number;
}

/** Addressable spend by common category, for one body or all: how much of it is mapped, and to what. */
export async function categorySpend(
  sql: Sql,
  filter: { body?: string | undefined } = {},
): Promise<CategorySpend[]> {
  const rows = await sql.query<{ category: Category | 'unmapped'; spendPence: number; payments: number }>(
    `SELECT c.category, sum(c.amount_pence)::bigint AS "spendPence", sum(c.payments)::int AS payments
     FROM analysis_cube c JOIN bodies b ON b.id = c.body_id
     WHERE ($1::text IS NULL OR b.code = $1) AND c.excluded IS NULL
     GROUP BY 1 ORDER BY 2 DESC`,
    [filter.body?.toUpperCase() ?? null],
  );
  return rows.map((r) => ({
    category: r.category,
    label: r.category === 'unmapped' ? 'Not yet mapped' : CATEGORIES[r.category],
    spendPence: r.spendPence,
    payments: r.payments,
  }));
}

/** The words of an expense type (or published classification) as the body wrote them. */
export async function labelText(sql: Sql, labelId: number): Promise<string | undefined> {
  const [row] = await sql.query<{ value: string }>('SELECT value FROM spend_labels WHERE id = $1', [labelId]);
  return row?.value;
}
