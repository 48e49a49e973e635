import type { Sql } from './db.js';
import { EXCLUDED, EXCLUSION_JOINS } from './exclusions.js';

/** A supplier's unmapped spend at a body takes the category of more than this share of its mapped spend there. */
export const USUAL_CATEGORY_SHARE = 0.5;

/**
 * Rebuilds the cube the finders read, from the spend cube, the supplier clusters, the category
 * mappings and the reasons spend is not addressable (a payee's first, then its expense type's): for
 * the bodies given (those whose spend, suppliers or categories changed), or for all. It reads the
 * spend cube, not the payments.
 * Spend whose labels have no category takes its supplier's usual category at the same body (where
 * most of what the body pays that supplier is mapped to one category): a file that gives only a
 * ledger code, or "Not Classified", still says who was paid. Only the body's own payments decide
 * it, so rebuilding one body never changes another. Failing that, the category the supplier's name
 * suggests by the rules ("… Computer Centres"), decided when suppliers are resolved.
 */
export async function rebuildAnalysisCube(tx: Sql, bodyIds: number[] | 'all') {
  if (bodyIds !== 'all' && !bodyIds.length) return;
  const only = bodyIds === 'all' ? '' : 'WHERE c.body_id = ANY($1::int[])';
  const params = bodyIds === 'all' ? [] : [bodyIds];
  await tx.query(`DELETE FROM analysis_cube c ${only}`, params);
  await tx.query(
    `WITH ${spendWithUsualCategories(only)}
     INSERT INTO analysis_cube (body_id, month, supplier_id, category, excluded, amount_pence, payments)
     SELECT s.body_id, s.month, s.supplier_id,
       coalesce(s.category, u.category, nullif(n.category_by_name, ''), 'unmapped'),
       s.excluded, sum(s.amount_pence), sum(s.payments)
     FROM spend s LEFT JOIN usual u ON u.body_id = s.body_id AND u.supplier_id = s.supplier_id
       LEFT JOIN suppliers n ON n.id = s.supplier_id
     GROUP BY 1, 2, 3, 4, 5`,
    params,
  );
}

/**
 * Common table expressions over the spend cube rows `where` selects (by body: a body's usual
 * categories come from all its months): `spend`, by body, month, supplier, mapped category and
 * reason excluded; and `usual`, each body's usual category for each supplier. Whatever shows a
 * payment's category joins `usual` and then the supplier's category_by_name, as the cube does.
 */
export function spendWithUsualCategories(where: string): string {
  return `spend AS (
       SELECT c.body_id, c.month, ps.supplier_id, coalesce(mc.category, mt.category) AS category,
         ${EXCLUDED} AS excluded, sum(c.amount_pence) AS amount_pence, sum(c.payments) AS payments
       FROM spend_cube c
         LEFT JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
         LEFT JOIN category_mappings mc ON mc.body_id = c.body_id AND mc.label_id = c.category_id
         LEFT JOIN category_mappings mt ON mt.body_id = c.body_id AND mt.label_id = c.expense_type_id
         ${EXCLUSION_JOINS}
       ${where}
       GROUP BY 1, 2, 3, 4, 5),
     by_supplier AS (
       SELECT body_id, supplier_id, category, sum(amount_pence) AS spend,
         sum(sum(amount_pence)) OVER (PARTITION BY body_id, supplier_id) AS mapped
       FROM spend WHERE category IS NOT NULL AND excluded IS NULL AND supplier_id IS NOT NULL
       GROUP BY 1, 2, 3),
     usual AS (
       SELECT DISTINCT ON (body_id, supplier_id) body_id, supplier_id, category FROM by_supplier
       WHERE mapped > 0 AND spend > ${USUAL_CATEGORY_SHARE} * mapped
       ORDER BY body_id, supplier_id, spend DESC)`;
}
