import type { Payee } from './resolve.js';

/** A supplier as grouped afresh: its payees, the number it keeps (if any) and the name it shows. */
export interface SupplierGroup {
  payees: number[];
  /** The supplier number carried on from before; absent for a supplier new this time. */
  supplierId: number | undefined;
  /** The name of its payee with the most spend: the name most people will know it by. */
  name: string;
}

/**
 * Gives each new group of payees the supplier number most of its spend was under before, if no
 * bigger group took it, so that links and bookmarks to a supplier survive re-grouping.
 * `previous` maps payee to the supplier it belonged to; `clusterOf` maps payee to its new group.
 */
export function keepSupplierNumbers(
  payees: (Payee & { spend: number })[],
  clusterOf: Map<number, number>,
  previous: Map<number, number>,
): SupplierGroup[] {
  const byId = new Map(payees.map((p) => [p.id, p]));
  const members = new Map<number, number[]>();
  for (const [payee, cluster] of clusterOf) {
    const list = members.get(cluster);
    if (list) list.push(payee);
    else members.set(cluster, [payee]);
  }
  const spendOf = (payee: number) => byId.get(payee)?.spend ?? 0;
  const clusters = [...members.values()].sort((a, b) => b.length - a.length);
  const claimed = new Set<number>();
  return clusters.map((list) => {
    const votes = new Map<number, number>();
    for (const p of list) {
      const old = previous.get(p);
      if (old !== undefined) votes.set(old, (votes.get(old) ?? 0) + 1 + spendOf(p));
    }
    const [best] = [...votes].filter(([id]) => !claimed.has(id)).sort((a, b) => b[1] - a[1]);
    if (best) claimed.add(best[0]);
    const [top] = [...list].sort((a, b) => spendOf(b) - spendOf(a) || a - b);
    return { payees: list, supplierId: best?.[0], name: byId.get(top as number)?.name ?? '' };
  });
}
