import { ConflictError, NotFoundError } from '../domain/errors.js';
import { keepSupplierNumbers } from '../domain/suppliers/numbering.js';
import { mergeConflict, type Payee, resolveSuppliers } from '../domain/suppliers/resolve.js';
import { rebuildAnalysisCube } from '../store/analysis-cube.js';
import type { Sql } from '../store/db.js';
import { faultPoint } from '../store/faults.js';
import {
  bodiesPaying,
  currentGrouping,
  forgetDecisions,
  lockSupplierGrouping,
  movePayees,
  payeesOf,
  payeesToGroup,
  recordDecision,
  saveGrouping,
  saveReviews,
  supplierDecisions,
  suppliersOfPayees,
} from '../store/suppliers.js';

export interface ResolutionSummary {
  payees: number;
  suppliers: number;
  /** Payees joined to another by name, identifier, likeness or a person's decision. */
  links: number;
  review: number;
  seconds: number;
}

/**
 * Groups every payee into suppliers again, honouring people's decisions. Supplier numbers stay
 * as they were for groups that carry on, so links and bookmarks survive re-grouping. The
 * analysis cube is rebuilt for the bodies paying a payee whose supplier changed, and for `alsoBodies`
 * (those whose spend or categories changed since): 'all' rebuilds it whole.
 */
export async function resolveAllSuppliers(
  db: Sql,
  alsoBodies: number[] | 'all' = [],
): Promise<ResolutionSummary> {
  const started = performance.now();
  return db.transaction(async (tx) => {
    await lockSupplierGrouping(tx);
    const payees = await payeesToGroup(tx);
    const { clusterOf, links, review } = resolveSuppliers(payees, await supplierDecisions(tx));
    const previous = await currentGrouping(tx);
    const groups = keepSupplierNumbers(payees, clusterOf, previous);
    const why = new Map(links.map((link) => [link.b, { confidence: link.confidence, reason: link.reason }]));
    const { supplierOf, recategorised } = await saveGrouping(tx, groups, why);
    const moved = [...supplierOf].filter(([payee, supplier]) => previous.get(payee) !== supplier);
    const gone = [...previous.keys()].filter((payee) => !clusterOf.has(payee));
    const affected =
      alsoBodies === 'all'
        ? 'all'
        : [
            ...new Set([
              ...alsoBodies,
              ...(await bodiesPaying(tx, [...moved.map(([p]) => p), ...gone, ...recategorised])),
            ]),
          ];
    faultPoint('suppliers:resolved');
    await rebuildAnalysisCube(tx, affected);
    await saveReviews(tx, review);
    return {
      payees: clusterOf.size,
      suppliers: groups.length,
      links: links.length,
      review: review.length,
      seconds: (performance.now() - started) / 1000,
    };
  });
}

/** A person says two suppliers are one. */
export async function mergeSuppliers(db: Sql, id: number, intoId: number) {
  if (id === intoId) throw new ConflictError('A supplier cannot be merged into itself');
  // The decision and the regrouping it causes are one transaction: neither is kept without the other.
  await db.transaction(async (tx) => {
    await lockSupplierGrouping(tx);
    const [from, into] = [await payeesOf(tx, id), await payeesOf(tx, intoId)];
    checkJoin(from, into);
    await recordDecision(tx, (from[0] as Payee).id, (into[0] as Payee).id, true);
    // Earlier "different" decisions between the two are overruled by this one.
    await forgetDecisions(tx, false, { among: [...from, ...into].map((p) => p.id) });
    // The merged supplier keeps the number it was merged into.
    await movePayees(tx, id, intoId);
    // Moved by hand above, so the resolution sees no change: the bodies paying them are named.
    await resolveAllSuppliers(
      tx,
      await bodiesPaying(
        tx,
        from.map((p) => p.id),
      ),
    );
  });
}

/** A person says one name of a supplier is another supplier. */
export async function splitPayee(db: Sql, supplierId: number, payeeId: number) {
  await db.transaction(async (tx) => {
    await lockSupplierGrouping(tx);
    const payees = await payeesOf(tx, supplierId);
    if (!payees.some((p) => p.id === payeeId))
      throw new NotFoundError(`Supplier ${supplierId} has no name numbered ${payeeId}`);
    if (payees.length === 1) throw new ConflictError('A supplier with one name cannot be split');
    await forgetDecisions(tx, true, { of: payeeId });
    for (const other of payees) if (other.id !== payeeId) await recordDecision(tx, payeeId, other.id, false);
    await resolveAllSuppliers(tx);
  });
}

/** A person's answer to a review pair: the same supplier or not. */
export async function decideReview(db: Sql, a: number, b: number, same: boolean) {
  await db.transaction(async (tx) => {
    await lockSupplierGrouping(tx);
    const suppliers = await suppliersOfPayees(tx, a, b);
    if (!suppliers) throw new NotFoundError('Those names are not both suppliers’ names');
    if (same) checkJoin(await payeesOf(tx, suppliers.a), await payeesOf(tx, suppliers.b));
    await recordDecision(tx, a, b, same);
    await resolveAllSuppliers(tx);
  });
}

/** Refuses to join payees whose company, charity or VAT numbers differ, saying which. */
function checkJoin(left: Payee[], right: Payee[]) {
  for (const a of left) {
    for (const b of right) {
      const conflict = mergeConflict(a, b);
      if (conflict) throw new ConflictError(`These cannot be one supplier: ${conflict}`);
    }
  }
}
