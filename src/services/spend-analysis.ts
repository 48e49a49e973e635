import type { Sql } from '../store/db.js';
import { mapCategories } from '../store/categories.js';
import { type ResolutionSummary, resolveAllSuppliers } from '../store/suppliers.js';

/**
 * Brings suppliers and categories up to date with the payments stored: run after every import, so
 * that a new file's payees join their suppliers and its expense types find their categories.
 */
export async function refreshSpendAnalysis(
  db: Sql,
): Promise<ResolutionSummary & { categoriesMapped: number }> {
  // Categories first: resolving suppliers then rebuilds the analysis cube with both.
  const { mapped } = await mapCategories(db);
  const suppliers = await resolveAllSuppliers(db);
  return { ...suppliers, categoriesMapped: mapped };
}
