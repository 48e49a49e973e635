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
