import type { Membership } from '../domain/access.js';
import type {
  BenefitsPlanInput,
  Measure,
  MonthSpend,
  RealisedSaving,
  RealisedSavingInput,
} from '../domain/benefits.js';
import { InputError, NotFoundError } from '../domain/errors.js';
import type { Sql } from './db.js';
import { partnershipId } from './keys.js';
import { visibleTo } from './membership.js';
import { Conditions, withoutNulls } from './rows.js';

export interface StoredBenefitsPlan {
  id: number;
  partnershipId: number;
  partnershipSlug: string;
  partnershipName: string;
  projectName?: string;
  confidential: boolean;
  updatedAt: string;
  input: BenefitsPlanInput;
}

const SELECT = `SELECT b.id, b.partnership_id AS "partnershipId", p.slug AS "partnershipSlug", p.name AS "partnershipName",
    j.name AS "projectName", b.confidential, b.updated_at AS "updatedAt", b.input
  FROM benefits_plans b JOIN partnerships p ON p.id = b.partnership_id LEFT JOIN projects j ON j.id = b.project_id`;

export async function getBenefitsPlan(sql: Sql, id: number): Promise<StoredBenefitsPlan> {
  const [row] = await sql.query<StoredBenefitsPlan>(`${SELECT} WHERE b.id = $1`, [id]);
  if (!row) throw new NotFoundError(`No benefits plan has the number ${id}`);
  return withoutNulls(row) as StoredBenefitsPlan;
}

/** The plans a reader may see: confidential ones for the partnership's members only. */
export async function listBenefitsPlans(
  sql: Sql,
  m: Membership,
  of: { partnership?: string | undefined; bodyCode?: string | undefined } = {},
): Promise<StoredBenefitsPlan[]> {
  const c = new Conditions()
    .add('p.slug = ?', of.partnership)
    .add(`b.input -> 'partners' @> jsonb_build_array(jsonb_build_object('bodyCode', ?::text))`, of.bodyCode);
  c.require(visibleTo(c, m, 'b.confidential', 'b.partnership_id'));
  const rows = await sql.query<StoredBenefitsPlan>(
    `${SELECT} ${c.where()} ORDER BY p.name, b.name, b.id`,
    c.params,
  );
  return rows.map((r) => withoutNulls(r) as StoredBenefitsPlan);
}

/** Saves a new plan for the partnership, or replaces plan `id`; returns its number. */
export async function saveBenefitsPlan(
  sql: Sql,
  slug: string,
  input: BenefitsPlanInput,
  id?: number,
): Promise<number> {
  const partnership = await partnershipId(sql, slug);
  const belongs = async (table: 'projects' | 'business_cases', value: number | undefined, field: string) => {
    if (value === undefined) return;
    const [row] = await sql.query(`SELECT 1 FROM ${table} WHERE id = $1 AND partnership_id = $2`, [
      value,
      partnership,
    ]);
    if (!row)
      throw new InputError(
        `The ${field === 'projectId' ? 'project' : 'business case'} is not one of the partnership’s`,
        [{ field, message: 'Choose one of the partnership’s own, or none' }],
      );
  };
  await belongs('projects', input.projectId, 'projectId');
  await belongs('business_cases', input.businessCaseId, 'businessCaseId');
  const suppliers = input.measures.flatMap((m, i) =>
    m.kind === 'supplier' ? [[Number(m.value), i] as const] : [],
  );
  const held = new Set(
    (
      await sql.query<{ id: number }>('SELECT id FROM suppliers WHERE id = ANY($1::int[])', [
        suppliers.map(([id]) => id),
      ])
    ).map((r) => r.id),
  );
  const missing = suppliers.filter(([id]) => !held.has(id));
  if (missing.length)
    throw new InputError('A supplier the plan names is not held', [
      ...missing.map(([id, i]) => ({
        field: `measures.${i}.value`,
        message: `No supplier has the number ${id}`,
      })),
    ]);
  // Only members' users may record a partner's savings, so every partner must be a member.
  const outside = await sql.query<{ code: string; known: boolean }>(
    `SELECT c AS code, EXISTS (SELECT 1 FROM bodies WHERE code = c) AS known FROM unnest($1::text[]) c
     WHERE NOT EXISTS (SELECT 1 FROM partnership_members m JOIN bodies b ON b.id = m.body_id
                       WHERE m.partnership_id = $2 AND b.code = c)`,
    [input.partners.map((p) => p.bodyCode), partnership],
  );
  if (outside.length)
    throw new InputError('Every partner in a plan must be a member of the partnership', [
      ...outside.map((u) => ({
        field: `partners.${input.partners.findIndex((p) => p.bodyCode === u.code)}.bodyCode`,
        message: u.known
          ? `${u.code} is not a member of the partnership: add it as a member first`
          : `No body has the code ${u.code}`,
      })),
    ]);
  const values = [
    partnership,
    input.projectId ?? null,
    input.businessCaseId ?? null,
    input.name,
    JSON.stringify(input),
    input.confidential,
  ];
  if (id !== undefined) {
    const rows = await sql.query<{ id: number }>(
      `UPDATE benefits_plans SET partnership_id = $1, project_id = $2, business_case_id = $3, name = $4, input = $5,
         confidential = $6, updated_at = now() WHERE id = $7 RETURNING id`,
      [...values, id],
    );
    if (!rows.length) throw new NotFoundError(`No benefits plan has the number ${id}`);
    return id;
  }
  const [row] = await sql.query<{ id: number }>(
    `INSERT INTO benefits_plans (partnership_id, project_id, business_case_id, name, input, confidential)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    values,
  );
  return (row as { id: number }).id;
}

export async function deleteBenefitsPlan(sql: Sql, id: number) {
  const rows = await sql.query('DELETE FROM benefits_plans WHERE id = $1 RETURNING id', [id]);
  if (!rows.length) throw new NotFoundError(`No benefits plan has the number ${id}`);
}

export type StoredSaving = RealisedSaving & { planId: number };

const SAVINGS = `SELECT r.plan_id AS "planId", b.code AS "bodyCode", r.year, r.amount_pence AS "amountPence", r.status,
    r.evidence, r.confirmed_by AS "confirmedBy", r.news_item_id AS "newsItemId", r.recorded_by AS "recordedBy",
    r.recorded_at AS "recordedAt"
  FROM realised_savings r JOIN bodies b ON b.id = r.body_id`;

export async function realisedSavings(sql: Sql, planIds: number[]): Promise<StoredSaving[]> {
  const rows = await sql.query<StoredSaving>(
    `${SAVINGS} WHERE r.plan_id = ANY($1::int[]) ORDER BY r.plan_id, b.code, r.year`,
    [planIds],
  );
  return rows.map((r) => withoutNulls(r) as StoredSaving);
}

/** Records a partner's saving for a plan year, replacing what it had recorded; returns what was there. */
export async function saveRealisedSaving(
  sql: Sql,
  planId: number,
  r: RealisedSavingInput,
  recordedBy: string,
): Promise<StoredSaving | undefined> {
  const [before] = await sql.query<StoredSaving>(
    `${SAVINGS} WHERE r.plan_id = $1 AND b.code = $2 AND r.year = $3`,
    [planId, r.bodyCode, r.year],
  );
  if (r.newsItemId !== undefined) {
    const [about] = await sql.query(
      `SELECT 1 FROM news_item_partnerships n JOIN benefits_plans p ON p.partnership_id = n.partnership_id
       WHERE n.item_id = $1 AND p.id = $2`,
      [r.newsItemId, planId],
    );
    if (!about)
      throw new InputError('The news item is not about this partnership', [
        { field: 'newsItemId', message: `News item ${r.newsItemId} is not one of the partnership’s` },
      ]);
  }
  await sql.query(
    `INSERT INTO realised_savings (plan_id, body_id, year, amount_pence, status, evidence, confirmed_by, news_item_id,
       recorded_by)
     SELECT $1, id, $3, $4, $5, $6, $7, $8, $9 FROM bodies WHERE code = $2
     ON CONFLICT (plan_id, body_id, year) DO UPDATE SET amount_pence = excluded.amount_pence, status = excluded.status,
       evidence = excluded.evidence, confirmed_by = excluded.confirmed_by, news_item_id = excluded.news_item_id,
       recorded_by = excluded.recorded_by, recorded_at = now()`,
    [
      planId,
      r.bodyCode,
      r.year,
      r.amountPence,
      r.status,
      r.evidence,
      r.confirmedBy,
      r.newsItemId ?? null,
      recordedBy,
    ],
  );
  return before ? (withoutNulls(before) as StoredSaving) : undefined;
}

/**
 * Each partner's addressable spend a month in what the plan measures, months yyyy-mm from `from`
 * to `to`: payments to its suppliers or in its categories, each payment once.
 */
export async function measuredSpend(
  sql: Sql,
  bodyCodes: string[],
  measures: Measure[],
  from: string,
  to: string,
): Promise<MonthSpend[]> {
  const suppliers = measures.filter((m) => m.kind === 'supplier').map((m) => Number(m.value));
  const categories = measures.filter((m) => m.kind === 'category').map((m) => m.value);
  return sql.query<MonthSpend>(
    `SELECT b.code AS "bodyCode", to_char(c.month, 'YYYY-MM') AS month, sum(c.amount_pence)::int8 AS "amountPence"
     FROM analysis_cube c JOIN bodies b ON b.id = c.body_id
     WHERE b.code = ANY($1::text[]) AND c.month BETWEEN to_date($2, 'YYYY-MM') AND to_date($3, 'YYYY-MM')
       AND c.excluded IS NULL AND (c.supplier_id = ANY($4::int[]) OR c.category = ANY($5::text[]))
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [bodyCodes, from, to, suppliers.filter(Number.isInteger), categories],
  );
}

/** The months (yyyy-mm) each body has published any spend for, from `from` to `to`. */
export async function monthsPublished(
  sql: Sql,
  bodyCodes: string[],
  from: string,
  to: string,
): Promise<Map<string, Set<string>>> {
  const rows = await sql.query<{ bodyCode: string; month: string }>(
    `SELECT DISTINCT b.code AS "bodyCode", to_char(c.month, 'YYYY-MM') AS month
     FROM spend_cube c JOIN bodies b ON b.id = c.body_id
     WHERE b.code = ANY($1::text[]) AND c.month BETWEEN to_date($2, 'YYYY-MM') AND to_date($3, 'YYYY-MM')`,
    [bodyCodes, from, to],
  );
  const held = new Map<string, Set<string>>();
  for (const r of rows) held.set(r.bodyCode, (held.get(r.bodyCode) ?? new Set()).add(r.month));
  return held;
}

/** Realised savings that news items report, from plans that are not confidential. */
export async function savingsReportedIn(sql: Sql, newsItemIds: number[]): Promise<StoredSaving[]> {
  const rows = await sql.query<StoredSaving>(
    `${SAVINGS} JOIN benefits_plans bp ON bp.id = r.plan_id
     WHERE r.news_item_id = ANY($1::int[]) AND NOT bp.confidential ORDER BY r.news_item_id, r.plan_id, b.code, r.year`,
    [newsItemIds],
  );
  return rows.map((r) => withoutNulls(r) as StoredSaving);
}
