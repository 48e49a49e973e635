import type { Sql } from './db.js';
import { EXCLUDED, EXCLUSION_JOINS } from './exclusions.js';

/**
 * Rebuilds the cube the finders read, from the spend cube, the supplier clusters, the category
 * mappings and the reasons spend is not addressable (a payee's first, then its expense type's): for the bodies given (those whose spend, suppliers or categories changed), or for all.
 * It reads the spend cube, not the payments.
 */
export async function rebuildAnalysisCube(tx: Sql, bodyIds: number[] | 'all') {
  if (bodyIds !== 'all' && !bodyIds.length) return;
  const only = bodyIds === 'all' ? '' : 'WHERE c.body_id = ANY($1::int[])';
  const params = bodyIds === 'all' ? [] : [bodyIds];
  await tx.query(`DELETE FROM analysis_cube c ${only}`, params);
  await tx.query(
    `INSERT INTO analysis_cube (body_id, month, supplier_id, category, excluded, amount_pence, payments)
     SELECT c.body_id, c.month, ps.supplier_id, coalesce(mc.category, mt.category, 'unmapped'),
       ${EXCLUDED}, sum(c.amount_pence), sum(c.payments)
     FROM spend_cube c
       LEFT JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
       LEFT JOIN category_mappings mc ON mc.body_id = c.body_id AND mc.label_id = c.category_id
       LEFT JOIN category_mappings mt ON mt.body_id = c.body_id AND mt.label_id = c.expense_type_id
       ${EXCLUSION_JOINS}
     ${only}
     GROUP BY 1, 2, 3, 4, 5`,
    params,
  );
  await analysisChanged(tx);
}

/** Marks what the finders read as changed: reports computed before are stale. */
export async function analysisChanged(tx: Sql) {
  await tx.query('UPDATE analysis_state SET version = version + 1');
}

/** The number of changes so far to what the finders read. */
export async function analysisVersion(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ version: number }>('SELECT version FROM analysis_state');
  return row?.version ?? 0;
}
