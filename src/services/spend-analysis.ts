import { resolveBodyIds } from '../store/bodies.js';
import { mapCategories } from '../store/categories.js';
import { decideExclusions } from '../store/exclusions.js';
import type { Sql } from '../store/db.js';
import { faultPoint } from '../store/faults.js';
import { type ResolutionSummary, resolveAllSuppliers } from './suppliers.js';

/**
 * Brings suppliers, categories and addressable spend up to date with the payments stored: run after
 * every import, so that a new file's payees join their suppliers, its expense types find their
 * categories, and tax, pensions, levies and the like are set apart from what could be bought. Only
 * the analysis cube of the bodies touched is rebuilt: `changedBody`'s (whose spend is new), those
 * with newly mapped categories and those paying a payee whose supplier changed. 'all' rebuilds all.
 */
export async function refreshSpendAnalysis(
  db: Sql,
  changedBody: string | 'all' = 'all',
): Promise<ResolutionSummary & { categoriesMapped: number }> {
  // One transaction: a process killed part-way leaves the analysis as it was, never half redone.
  return db.transaction(async (tx) => {
    // Categories first: resolving suppliers then rebuilds the analysis cube with both.
    const { mapped, bodyIds } = await mapCategories(tx);
    const excludedIn = await decideExclusions(tx);
    faultPoint('refresh:categories-mapped');
    const body =
      changedBody === 'all'
        ? undefined
        : (await resolveBodyIds(tx, [{ code: changedBody, field: 'body' }]))(changedBody);
    const suppliers = await resolveAllSuppliers(
      tx,
      body === undefined ? 'all' : [body, ...bodyIds, ...excludedIn],
    );
    return { ...suppliers, categoriesMapped: mapped };
  });
}
