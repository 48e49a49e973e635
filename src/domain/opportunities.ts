/**
 * Where a set of bodies could buy or work together, from what they already spend. Figures come in
 * from the store already summed; this module ranks them and puts savings ranges on them.
 */
import { CATEGORIES, type Category } from './categories.js';

export const OPPORTUNITY_TYPES = {
  supplier: 'Supplier consolidation',
  category: 'Joint procurement',
  service: 'Shared service',
} as const;
export type OpportunityType = keyof typeof OPPORTUNITY_TYPES;

/**
 * Savings as a share of addressable spend, low and high, by opportunity type. Defaults, to be
 * changed by whoever owns the business case:
 * - supplier: bodies paying one supplier separately harmonise to the best price and terms they
 *   already hold, the smallest step (2–5%);
 * - category: a joint tender for a category bought from many suppliers (3–8%, the range joint
 *   procurement business cases commonly use);
 * - service: a back-office service bought from many suppliers by several bodies, run once for all
 *   (10–20%, in line with the shared-service savings the news reports, such as Tri-Council's).
 */
export const DEFAULT_ASSUMPTIONS: Record<OpportunityType, { low: number; high: number }> = {
  supplier: { low: 0.02, high: 0.05 },
  category: { low: 0.03, high: 0.08 },
  service: { low: 0.1, high: 0.2 },
};
export type Assumptions = typeof DEFAULT_ASSUMPTIONS;

/** Categories that are services a body could run with others rather than buy. */
const SERVICE_CATEGORIES = new Set<Category>(['15', '20', '26', '27', '28', '30']);

/** Concentration below which a category counts as fragmented: the usual HHI line for an unconcentrated market. */
export const FRAGMENTED_HHI = 1_500;

export interface SharedSupplier {
  supplierId: number;
  name: string;
  spendPence: number;
  /** Per body: spend, payments and the names it paid the supplier under. */
  bodies: { bodyCode: string; spendPence: number; payments: number; names: string[] }[];
}

export interface CategoryMarket {
  category: Category | 'unmapped';
  label: string;
  spendPence: number;
  bodies: number;
  /** Each body's spend in the category. */
  byBody: Record<string, number>;
  suppliers: number;
  /** Share of the category's spend with its largest supplier, 0 to 1. */
  topShare: number;
  /** Herfindahl–Hirschman index of supplier shares, 0 (many small) to 10,000 (one supplier). */
  hhi: number;
}

export interface Opportunity {
  type: OpportunityType;
  title: string;
  addressablePence: number;
  savingsLowPence: number;
  savingsHighPence: number;
  bodies: number;
  /** Each body's part of the addressable spend: a business case's baselines. */
  byBody: Record<string, number>;
  /** Where the figures come from: a supplier or a category, down to its payments. */
  evidence: { supplierId: number } | { category: Category };
  why: string;
}

/** Herfindahl–Hirschman index from supplier spends (negative spend counts as none). */
export function hhi(spends: number[]): number {
  const positive = spends.map((s) => Math.max(0, s));
  const total = positive.reduce((a, b) => a + b, 0);
  if (!total) return 0;
  return Math.round(positive.reduce((sum, s) => sum + ((100 * s) / total) ** 2, 0));
}

/** Spend of one body with one supplier (none for redacted payees) in one category, over the period. */
export interface SpendFact {
  bodyCode: string;
  supplierId: number | null;
  category: Category | 'unmapped';
  spendPence: number;
  payments: number;
}

export interface Overlap {
  a: string;
  b: string;
  /** Weighted Jaccard of the two bodies' spend by supplier: shared spend over all their spend. */
  overlap: number;
  sharedPence: number;
}

/**
 * From the facts: suppliers paid by two or more bodies (largest first, without names: the store adds
 * those), each category's market, and how much each pair of bodies' spend goes to the same suppliers.
 */
export function analyseSpend(facts: SpendFact[], supplierName: (id: number) => string) {
  const bySupplier = new Map<number, Map<string, { spendPence: number; payments: number }>>();
  const markets = new Map<
    string,
    { spend: number; byBody: Record<string, number>; suppliers: Map<number, number> }
  >();
  for (const f of facts) {
    const m = markets.get(f.category) ?? {
      spend: 0,
      byBody: {},
      suppliers: new Map<number, number>(),
    };
    m.spend += f.spendPence;
    m.byBody[f.bodyCode] = (m.byBody[f.bodyCode] ?? 0) + f.spendPence;
    markets.set(f.category, m);
    // Redacted payees count in the spend, never as a supplier.
    if (f.supplierId === null) continue;
    m.suppliers.set(f.supplierId, (m.suppliers.get(f.supplierId) ?? 0) + f.spendPence);
    const bodies =
      bySupplier.get(f.supplierId) ?? new Map<string, { spendPence: number; payments: number }>();
    const b = bodies.get(f.bodyCode) ?? { spendPence: 0, payments: 0 };
    b.spendPence += f.spendPence;
    b.payments += f.payments;
    bodies.set(f.bodyCode, b);
    bySupplier.set(f.supplierId, bodies);
  }

  const shared: SharedSupplier[] = [...bySupplier]
    .filter(([, bodies]) => bodies.size >= 2)
    .map(([supplierId, bodies]) => ({
      supplierId,
      name: supplierName(supplierId),
      spendPence: [...bodies.values()].reduce((sum, b) => sum + b.spendPence, 0),
      bodies: [...bodies]
        .map(([bodyCode, b]) => ({ bodyCode, ...b, names: [] as string[] }))
        .sort((x, y) => y.spendPence - x.spendPence),
    }))
    .sort((a, b) => b.spendPence - a.spendPence || a.supplierId - b.supplierId);

  const categoryMarkets: CategoryMarket[] = [...markets]
    .map(([category, m]) => {
      const spends = [...m.suppliers.values()];
      const positive = spends.filter((x) => x > 0);
      const total = positive.reduce((a, b) => a + b, 0);
      return {
        category: category as Category | 'unmapped',
        label: category === 'unmapped' ? 'Not yet mapped' : CATEGORIES[category as Category],
        spendPence: m.spend,
        bodies: Object.keys(m.byBody).length,
        byBody: m.byBody,
        suppliers: positive.length,
        topShare: total ? Math.max(...positive) / total : 0,
        hhi: hhi(spends),
      };
    })
    .sort((a, b) => b.spendPence - a.spendPence);

  // Overlap: per body, positive spend by supplier; per pair, the smaller of the two summed.
  const totals = new Map<string, number>();
  const pairs = new Map<string, number>();
  for (const bodies of bySupplier.values()) {
    const list = [...bodies].map(([code, b]) => [code, Math.max(0, b.spendPence)] as const);
    for (const [code, spend] of list) totals.set(code, (totals.get(code) ?? 0) + spend);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [x, y] = [list[i], list[j]] as [readonly [string, number], readonly [string, number]];
        const key = x[0] < y[0] ? `${x[0]} ${y[0]}` : `${y[0]} ${x[0]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + Math.min(x[1], y[1]));
      }
    }
  }
  const overlaps: Overlap[] = [...pairs]
    .map(([key, sharedPence]) => {
      const [a, b] = key.split(' ') as [string, string];
      const union = (totals.get(a) ?? 0) + (totals.get(b) ?? 0) - sharedPence;
      return { a, b, overlap: union > 0 ? sharedPence / union : 0, sharedPence };
    })
    .filter((o) => o.sharedPence > 0)
    .sort((p, q) => q.overlap - p.overlap);

  return { shared, markets: categoryMarkets, overlaps };
}

/**
 * Each body's spend as a year's worth: scaled by twelve over the months the body has spend in, so
 * that a body with three months of files sits beside one with twelve like for like.
 */
export function annualised(facts: SpendFact[], monthsOf: (bodyCode: string) => number): SpendFact[] {
  return facts.map((f) => ({ ...f, spendPence: annualPence(f.spendPence, monthsOf(f.bodyCode)) }));
}

/** A year's worth of spend held over `months` months; nothing where there are none. */
export function annualPence(pence: number, months: number): number {
  return months > 0 ? Math.round((pence * 12) / months) : 0;
}

/** Every opportunity found, largest savings first. */
export function rankOpportunities(
  shared: SharedSupplier[],
  markets: CategoryMarket[],
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): Opportunity[] {
  const range = (type: OpportunityType, pence: number) => ({
    savingsLowPence: Math.round(pence * assumptions[type].low),
    savingsHighPence: Math.round(pence * assumptions[type].high),
  });
  const found: Opportunity[] = [];
  for (const s of shared) {
    if (s.bodies.length < 2 || s.spendPence <= 0) continue;
    found.push({
      type: 'supplier',
      title: `${s.name}: one contract for ${s.bodies.length} bodies`,
      addressablePence: s.spendPence,
      ...range('supplier', s.spendPence),
      bodies: s.bodies.length,
      byBody: Object.fromEntries(s.bodies.map((b) => [b.bodyCode, b.spendPence])),
      evidence: { supplierId: s.supplierId },
      why: `${s.bodies.length} bodies pay ${s.name} separately`,
    });
  }
  for (const m of markets) {
    if (m.category === 'unmapped' || m.bodies < 2 || m.spendPence <= 0) continue;
    const fragmented = m.hhi < FRAGMENTED_HHI && m.suppliers >= 5;
    if (!fragmented) continue;
    const type: OpportunityType = SERVICE_CATEGORIES.has(m.category) ? 'service' : 'category';
    found.push({
      type,
      title:
        type === 'service'
          ? `${CATEGORIES[m.category]}: run once for ${m.bodies} bodies`
          : `${CATEGORIES[m.category]}: tender together`,
      addressablePence: m.spendPence,
      ...range(type, m.spendPence),
      bodies: m.bodies,
      byBody: m.byBody,
      evidence: { category: m.category },
      why: `${m.suppliers} suppliers, the largest with ${Math.round(m.topShare * 100)}% (HHI ${m.hhi})`,
    });
  }
  return found.sort((a, b) => b.savingsHighPence - a.savingsHighPence || a.title.localeCompare(b.title));
}

/**
 * Parses "type=low-high" overrides, in percent ("category=2-6"), over the defaults.
 * Throws an Error naming what is wrong; callers turn it into their own kind of message.
 */
export function parseAssumptions(overrides: string[]): Assumptions {
  const result = structuredClone(DEFAULT_ASSUMPTIONS);
  for (const o of overrides) {
    const match = /^(\w+)=(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(o.trim());
    const type = match?.[1] as OpportunityType | undefined;
    if (!match || !type || !(type in OPPORTUNITY_TYPES))
      throw new Error(
        `"${o}": give type=low-high in percent, the type one of ${Object.keys(OPPORTUNITY_TYPES).join(', ')}`,
      );
    const [low, high] = [Number(match[2]), Number(match[3])];
    if (low > high || high > 100)
      throw new Error(`"${o}": low must not exceed high, and high must be at most 100`);
    result[type] = { low: low / 100, high: high / 100 };
  }
  return result;
}
