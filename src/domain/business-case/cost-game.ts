/**
 * Cost sharing as a cooperative game: every group of partners (a bit mask over them) has a cost of
 * its own, and a split of the whole partnership's cost is stable (in the core) when no group would
 * pay less on its own than its members pay together under the split.
 */

/** A group's cost, for every group: index is the bit mask of its members. */
export type GroupCosts = Float64Array;

/**
 * The groups' costs of a shared service that costs a fixed part plus a cost per unit of activity:
 * a group sets up its own service, each member joining it only where that is cheaper for it than
 * carrying on as now, unless all carrying on as now is cheaper still. The whole partnership's cost
 * is the service's, everyone in.
 */
export function serviceGroupCosts(s: {
  fixed: number;
  perUnit: number;
  drivers: number[];
  baselines: number[];
}): GroupCosts {
  const n = s.drivers.length;
  const costs = new Float64Array(1 << n);
  const all = (1 << n) - 1;
  for (let mask = 1; mask <= all; mask++) {
    let asNow = 0;
    let shared = s.fixed;
    let everyone = s.fixed;
    for (let i = 0; i < n; i++) {
      if (!(mask & (1 << i))) continue;
      const b = s.baselines[i] as number;
      const own = s.perUnit * (s.drivers[i] as number);
      asNow += b;
      shared += Math.min(own, b);
      everyone += own;
    }
    costs[mask] = mask === all ? everyone : Math.min(asNow, shared);
  }
  return costs;
}

const members = (mask: number, n: number) =>
  Array.from({ length: n }, (_, i) => i).filter((i) => mask & (1 << i));

/** The number of members of every group, by mask. */
function sizes(n: number): Uint8Array {
  const size = new Uint8Array(1 << n);
  for (let mask = 1; mask < 1 << n; mask++) size[mask] = (size[mask & (mask - 1)] as number) + 1;
  return size;
}

/** The Shapley value: each partner's extra cost to every group it could join, averaged over the orders of joining. */
export function shapley(costs: GroupCosts, n: number): number[] {
  const factorial = [1];
  for (let k = 1; k <= n; k++) factorial.push((factorial[k - 1] as number) * k);
  const weight = Array.from(
    { length: n },
    (_, size) =>
      ((factorial[size] as number) * (factorial[n - size - 1] as number)) / (factorial[n] as number),
  );
  const size = sizes(n);
  const value = new Array<number>(n).fill(0);
  for (let mask = 0; mask < 1 << n; mask++) {
    const w = weight[size[mask] as number] as number;
    for (let i = 0; i < n; i++)
      if (!(mask & (1 << i)))
        value[i] = (value[i] as number) + w * ((costs[mask | (1 << i)] as number) - (costs[mask] as number));
  }
  return value;
}

/**
 * Separable costs, remaining benefits: each partner pays the cost it alone adds to the whole (its
 * separable cost); what is left is split in proportion to what each gains over going it alone.
 */
export function separableCostsRemainingBenefits(costs: GroupCosts, n: number): number[] {
  const all = (1 << n) - 1;
  const whole = costs[all] as number;
  const separable = Array.from({ length: n }, (_, i) => whole - (costs[all & ~(1 << i)] as number));
  const benefit = separable.map((sc, i) => Math.max(0, (costs[1 << i] as number) - sc));
  const left = whole - separable.reduce((a, b) => a + b, 0);
  const benefits = benefit.reduce((a, b) => a + b, 0);
  return separable.map((sc, i) => sc + left * (benefits > 0 ? (benefit[i] as number) / benefits : 1 / n));
}

export type Stability =
  | { inCore: true }
  | {
      inCore: false;
      /** The group that would do better on its own: its members' indexes. */
      members: number[];
      /** What its members pay together under the split, and what they would pay on their own. */
      pays: number;
      alone: number;
    };

/** Whether a split of the whole cost is in the core; if not, the group that gains most by leaving. */
export function stability(costs: GroupCosts, n: number, split: number[]): Stability {
  // What each group pays under the split, built up from the group without its lowest member.
  const pays = new Float64Array(1 << n);
  let worst = { excess: 0.5, mask: 0 };
  for (let mask = 1; mask < (1 << n) - 1; mask++) {
    const lowest = 31 - Math.clz32(mask & -mask);
    pays[mask] = (pays[mask & (mask - 1)] as number) + (split[lowest] as number);
    const excess = (pays[mask] as number) - (costs[mask] as number);
    if (excess > worst.excess) worst = { excess, mask };
  }
  return worst.mask
    ? {
        inCore: false,
        members: members(worst.mask, n),
        pays: pays[worst.mask] as number,
        alone: costs[worst.mask] as number,
      }
    : { inCore: true };
}
