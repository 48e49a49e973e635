import {
  CATEGORIES,
  type Category,
  categoryOfLabel,
  type CodeDisagreement,
  codeDisagreement,
  type MappingMethod,
  type PublishedLabel,
  proclassSecondLevel,
} from '../domain/categories.js';
import { NotFoundError } from '../domain/errors.js';
import { resolveBodyIds } from './bodies.js';
import { rebuildAnalysisCube } from './analysis-cube.js';
import type { Sql } from './db.js';
import { EXCLUDED, EXCLUSION_JOINS } from './exclusions.js';

/**
 * Maps every body's published classifications and expense types that have no category yet, as
 * categoryOfLabel decides. What it cannot place waits in the unmapped queue.
 * The caller rebuilds the analysis cube (refreshSpendAnalysis resolves suppliers next, which does).
 */
export async function mapCategories(db: Sql): Promise<{ mapped: number; bodyIds: number[] }> {
  return db.transaction(mapOpenLabels);
}

async function mapOpenLabels(tx: Sql): Promise<{ mapped: number; bodyIds: number[] }> {
  const open = await tx.query<PublishedLabel & { bodyId: number; labelId: number }>(
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
  // Each body's ledger codes with the category their words were given, a person's choice first.
  const ledger = new Map(
    (
      await tx.query<{ bodyId: number; code: string; category: Category }>(
        `SELECT DISTINCT ON (m.body_id, l.code) m.body_id AS "bodyId", l.code, m.category
           FROM category_mappings m JOIN spend_labels l ON l.id = m.label_id
           WHERE l.kind = 'expenseType' AND l.code <> '' AND l.value <> l.code
           ORDER BY m.body_id, l.code, m.method = 'confirmed' DESC`,
      )
    ).map((r) => [ledgerKey(r.bodyId, r.code), r.category]),
  );
  // Labels with words first, so that a code given alone finds its words decided in this pass too.
  open.sort((a, b) => Number(a.value === a.code) - Number(b.value === b.code));
  const rows: [number, number, Category, MappingMethod][] = [];
  for (const o of open) {
    const decided = categoryOfLabel(o, {
      confirmed: (words) => confirmed.get(words.toLowerCase()),
      sameLedgerCode: () => ledger.get(ledgerKey(o.bodyId, o.code)),
    });
    if (!decided) continue;
    rows.push([o.bodyId, o.labelId, decided.category, decided.method]);
    const key = ledgerKey(o.bodyId, o.code);
    if (o.kind === 'expenseType' && o.code && o.value !== o.code && !ledger.has(key)) {
      ledger.set(key, decided.category);
    }
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

const ledgerKey = (bodyId: number, code: string) => `${bodyId}\u0001${code}`;

export interface UnmappedLabel {
  bodyCode: string;
  bodyName: string;
  labelId: number;
  kind: string;
  value: string;
  code: string;
  /** The published code and the words beside it name different groups: why it waits for a person. */
  disagreement?: CodeDisagreement;
  spendPence: number;
  payments: number;
}

/**
 * Labels whose addressable spend has no category, largest spend first: what a person maps next.
 * Each row of spend is listed under its published category where it has one (a code and words that
 * disagree wait here), otherwise its expense type. Spend that is not addressable is not listed.
 */
export async function listUnmapped(
  sql: Sql,
  filter: { body?: string | undefined } = {},
  limit = 100,
): Promise<UnmappedLabel[]> {
  const rows = await sql.query<UnmappedLabel>(
    `SELECT b.code AS "bodyCode", b.name AS "bodyName", l.id AS "labelId", l.kind, l.value, l.code,
       sum(c.amount_pence)::bigint AS "spendPence", sum(c.payments)::int AS payments
     FROM spend_cube c JOIN bodies b ON b.id = c.body_id
       JOIN spend_labels l ON l.id = coalesce(c.category_id, c.expense_type_id)
       ${EXCLUSION_JOINS}
     WHERE ($1::text IS NULL OR b.code = $1) AND ${EXCLUDED} IS NULL
       AND NOT EXISTS (SELECT 1 FROM category_mappings m WHERE m.body_id = c.body_id AND m.label_id = c.expense_type_id)
       AND NOT EXISTS (SELECT 1 FROM category_mappings m WHERE m.body_id = c.body_id AND m.label_id = c.category_id)
     GROUP BY b.code, b.name, l.id ORDER BY 7 DESC, l.value LIMIT $2`,
    [filter.body?.toUpperCase() ?? null, limit],
  );
  return rows.map((r) => {
    const disagreement = r.kind === 'categoryLabel' ? codeDisagreement(r.code, r.value) : undefined;
    return disagreement ? { ...r, disagreement } : r;
  });
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
    // The same ledger code given alone at this body follows its words' new category.
    await tx.query(
      `UPDATE category_mappings m SET category = $3
       FROM spend_labels l, spend_labels worded
       WHERE worded.id = $2 AND worded.kind = 'expenseType' AND worded.code <> '' AND worded.value <> worded.code
         AND m.body_id = $1 AND m.label_id = l.id AND m.method = 'ledger'
         AND l.kind = 'expenseType' AND l.value = l.code AND l.code = worded.code`,
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

export interface SecondLevelSpend {
  category: Category;
  code: string;
  label: string;
  spendPence: number;
  payments: number;
}

/**
 * Addressable spend by ProClass second level within each category, where the files give it
 * (Trafford's "FACILITIES MGT : Lifts"), largest first: what a joint contract would be let for.
 */
export async function secondLevelSpend(
  sql: Sql,
  filter: { body?: string | undefined } = {},
  limit = 30,
): Promise<SecondLevelSpend[]> {
  const rows = await sql.query<{
    category: Category;
    code: string;
    value: string;
    spendPence: number;
    payments: number;
  }>(
    `SELECT m.category, l.code, l.value, sum(c.amount_pence)::bigint AS "spendPence", sum(c.payments)::int AS payments
     FROM spend_cube c JOIN bodies b ON b.id = c.body_id
       JOIN spend_labels l ON l.id = c.category_id
       JOIN category_mappings m ON m.body_id = c.body_id AND m.label_id = c.category_id
       ${EXCLUSION_JOINS}
     WHERE ($1::text IS NULL OR b.code = $1) AND ${EXCLUDED} IS NULL AND l.code <> ''
     GROUP BY 1, 2, 3`,
    [filter.body?.toUpperCase() ?? null],
  );
  const levels = new Map<string, SecondLevelSpend>();
  for (const r of rows) {
    const level = proclassSecondLevel(r.code, r.value);
    if (!level) continue;
    const key = `${r.category} ${level.code}`;
    const held = levels.get(key) ?? { category: r.category, ...level, spendPence: 0, payments: 0 };
    held.spendPence += r.spendPence;
    held.payments += r.payments;
    levels.set(key, held);
  }
  return [...levels.values()].sort((a, b) => b.spendPence - a.spendPence).slice(0, limit);
}

/** The words of an expense type (or published classification) as the body wrote them. */
export async function labelText(sql: Sql, labelId: number): Promise<string | undefined> {
  const [row] = await sql.query<{ value: string }>('SELECT value FROM spend_labels WHERE id = $1', [labelId]);
  return row?.value;
}
