import { z } from 'zod';
import { EXCLUSION_REASONS, type ExclusionReason } from '../domain/addressable.js';
import { CATEGORIES, type Category } from '../domain/categories.js';
import { InputError, NotFoundError } from '../domain/errors.js';
import {
  analyseSpend,
  annualised,
  annualPence,
  type Assumptions,
  type CategoryMarket,
  type Opportunity,
  type Overlap,
  parseAssumptions,
  rankOpportunities,
  type SharedSupplier,
} from '../domain/opportunities.js';
import { parseInput } from '../domain/validation.js';
import type { Database, Sql } from '../store/db.js';
import {
  combinedSpend,
  type ExcludedRow,
  excludedSpend,
  monthlySpend,
  monthsHeld,
  namesUsed,
  PARTNER_ORDERS,
  partnerFinder,
  type Selection,
  selectBodies,
  spendFacts,
  spendPeriod,
  supplierNames,
} from '../store/opportunities.js';
import { hasSyntheticSpend } from '../store/spend.js';
import { whileUnchanged } from './while-unchanged.js';

const month = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Give the month as yyyy-mm, like 2024-04' });
const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);
/** "A, B C" or repeated parameters, as a list. */
const list = (v: unknown): unknown =>
  typeof v === 'string' || Array.isArray(v)
    ? [v]
        .flat()
        .flatMap((x) => String(x).split(/[\s,]+/))
        .filter(Boolean)
    : v;

/** What the finder is asked, from a form, a query string or the command line. */
export const opportunityFields = z.object({
  bodies: z.preprocess(list, z.array(z.string().max(12)).max(2_000).optional()),
  partnership: z.preprocess(blankToUndefined, z.string().max(80).optional()),
  from: z.preprocess(blankToUndefined, month.optional()),
  to: z.preprocess(blankToUndefined, month.optional()),
  /** Savings assumptions as type=low-high in percent, e.g. category=2-6. */
  assume: z.preprocess(list, z.array(z.string()).optional()),
});
export const opportunityQuery = opportunityFields.refine((q) => !q.from || !q.to || q.from <= q.to, {
  message: 'The period must end after it starts',
  path: ['to'],
});
export type OpportunityQuery = z.input<typeof opportunityQuery>;

export interface OpportunityReport {
  bodies: Selection['bodies'];
  period: { from?: string; to?: string };
  synthetic: boolean;
  assumptions: Assumptions;
  /** Addressable spend over the period: what every figure below is of, but opportunities. */
  totalPence: number;
  /** Addressable spend a year: each body's over the months it has spend in, times twelve. */
  annualPence: number;
  /** Months in the period; a body with spend in fewer is marked in byBody. */
  periodMonths: number;
  /** Spend left out (tax, pensions, levies, public bodies, grants, refunds, redacted), by reason. */
  excluded: { reason: ExclusionReason; label: string; spendPence: number; byBody: Record<string, number> }[];
  byBody: {
    bodyCode: string;
    name: string;
    spendPence: number;
    payments: number;
    /** Months of the period this body has spend in. */
    months: number;
    annualPence: number;
  }[];
  byYear: { year: string; spendPence: number; byBody: Record<string, number> }[];
  byMonth: { month: string; spendPence: number }[];
  byCategory: {
    category: Category | 'unmapped';
    label: string;
    spendPence: number;
    byBody: Record<string, number>;
  }[];
  shared: { total: number; items: SharedSupplier[] };
  markets: CategoryMarket[];
  /** Ranked on a year of each body's addressable spend, not the period's. */
  opportunities: Opportunity[];
  overlaps: Overlap[];
}

const firstOf = (yyyyMm: string) => `${yyyyMm}-01`;
/** Shared suppliers listed with their names; the rest are counted and still make opportunities. */
const SHARED_SHOWN = 100;

/** The whole report for a set of bodies and a period; an empty period gives empty tables, not an error. */
/**
 * The report, reused while nothing it reads has changed: what pages and the API serve. The CLI and
 * the benchmark compute it afresh.
 */
export async function recentOpportunityReport(
  db: Database,
  input: OpportunityQuery,
): Promise<OpportunityReport> {
  const q = parseInput(opportunityQuery, input, 'selection');
  const bodies = await selectBodies(db, q);
  return whileUnchanged(db, ['opportunities', bodies, q.from, q.to, q.assume], () =>
    opportunityReport(db, input),
  );
}

/**
 * The opportunity the report finds with this evidence (a supplier or a category), and the report:
 * what a business case for it starts from. Not found when the spend no longer shows it.
 */
export async function findOpportunity(
  db: Database,
  input: OpportunityQuery,
  evidence: { supplier?: number | undefined; category?: string | undefined },
): Promise<{ report: OpportunityReport; opportunity: Opportunity }> {
  const report = await recentOpportunityReport(db, input);
  const opportunity = report.opportunities.find((o) =>
    'supplierId' in o.evidence
      ? o.evidence.supplierId === evidence.supplier
      : o.evidence.category === evidence.category,
  );
  if (!opportunity)
    throw new NotFoundError('The spend held for these bodies in this period shows no such opportunity');
  return { report, opportunity };
}

export async function opportunityReport(db: Sql, input: OpportunityQuery): Promise<OpportunityReport> {
  const q = parseInput(opportunityQuery, input, 'selection');
  let assumptions: Assumptions;
  try {
    assumptions = parseAssumptions(q.assume ?? []);
  } catch (error) {
    throw new InputError('The savings assumptions cannot be read', [
      { field: 'assume', message: (error as Error).message },
    ]);
  }
  const bodies = await selectBodies(db, q);
  const held = await spendPeriod(
    db,
    bodies.map((b) => b.id),
  );
  const period = {
    from: q.from ? firstOf(q.from) : held.from,
    to: q.to ? firstOf(q.to) : held.to,
  };
  // Only the chosen bodies' spend: real files of two councils are not "synthetic" for a third's demo.
  const synthetic = await hasSyntheticSpend(
    db,
    bodies.map((b) => b.id),
  );
  if (!period.from || !period.to) {
    return {
      bodies,
      period,
      synthetic,
      assumptions,
      totalPence: 0,
      annualPence: 0,
      periodMonths: 0,
      excluded: [],
      byBody: [],
      byYear: [],
      byMonth: [],
      byCategory: [],
      shared: { total: 0, items: [] },
      markets: [],
      opportunities: [],
      overlaps: [],
    };
  }
  const selection: Selection = { bodies, from: period.from, to: period.to };
  const [rows, facts, byMonth, left, months] = await Promise.all([
    combinedSpend(db, selection),
    spendFacts(db, selection),
    monthlySpend(db, selection),
    excludedSpend(db, selection),
    monthsHeld(db, selection),
  ]);
  const names = await supplierNames(db, [
    ...new Set(facts.flatMap((f) => (f.supplierId === null ? [] : [f.supplierId]))),
  ]);
  const {
    shared: allShared,
    markets,
    overlaps: pairs,
  } = analyseSpend(facts, (id) => names.get(id) ?? `Supplier ${id}`);
  // The largest shared suppliers, with the names each body paid them under.
  const top = allShared.slice(0, SHARED_SHOWN);
  const used = await namesUsed(
    db,
    selection,
    top.map((s) => s.supplierId),
  );
  for (const s of top) for (const b of s.bodies) b.names = used.get(`${s.supplierId} ${b.bodyCode}`) ?? [];
  // Opportunities are sized on a year of each body's spend, whatever months its files cover.
  const monthsOf = (code: string) => months.get(code) ?? 0;
  const year = analyseSpend(annualised(facts, monthsOf), (id) => names.get(id) ?? `Supplier ${id}`);
  const shared = { total: allShared.length, items: top };
  const nameOf = new Map(bodies.map((b) => [b.code, b.name]));
  const sum = <K>(key: (r: (typeof rows)[number]) => K) => {
    const totals = new Map<K, { spendPence: number; payments: number }>();
    for (const r of rows) {
      const t = totals.get(key(r)) ?? { spendPence: 0, payments: 0 };
      t.spendPence += r.spendPence;
      t.payments += r.payments;
      totals.set(key(r), t);
    }
    return totals;
  };
  /** Each body's spend under each key (a category, a year), in one pass over the rows. */
  const spendOfBodies = <K>(key: (r: (typeof rows)[number]) => K) => {
    const under = new Map<K, Record<string, number>>();
    for (const r of rows) {
      const perBody = under.get(key(r)) ?? {};
      perBody[r.bodyCode] = (perBody[r.bodyCode] ?? 0) + r.spendPence;
      under.set(key(r), perBody);
    }
    return under;
  };
  const total = (perBody: Record<string, number>) => Object.values(perBody).reduce((a, b) => a + b, 0);
  const byBody = [...sum((r) => r.bodyCode)]
    .map(([bodyCode, t]) => ({
      bodyCode,
      name: nameOf.get(bodyCode) ?? bodyCode,
      ...t,
      months: monthsOf(bodyCode),
      annualPence: annualPence(t.spendPence, monthsOf(bodyCode)),
    }))
    .sort((a, b) => b.spendPence - a.spendPence);
  return {
    bodies,
    period,
    synthetic,
    assumptions,
    totalPence: rows.reduce((t, r) => t + r.spendPence, 0),
    excluded: byReason(left),
    annualPence: byBody.reduce((t, b) => t + b.annualPence, 0),
    periodMonths: monthsBetween(period.from, period.to),
    byBody,
    byYear: [...spendOfBodies((r) => r.year)].map(([year, byBody]) => ({
      year,
      spendPence: total(byBody),
      byBody,
    })),
    byMonth,
    byCategory: [...spendOfBodies((r) => r.category)]
      .map(([category, perBody]) => ({
        category,
        label: category === 'unmapped' ? 'Not yet mapped' : CATEGORIES[category],
        spendPence: total(perBody),
        byBody: perBody,
      }))
      .sort((a, b) => b.spendPence - a.spendPence),
    shared,
    markets,
    opportunities: rankOpportunities(year.shared, year.markets, assumptions),
    overlaps: pairs,
  };
}

/** The partner finder's question: a period of months (both ends optional), an order and who to show. */
export const partnerQuery = z.object({
  from: z.preprocess(blankToUndefined, month.optional()),
  to: z.preprocess(blankToUndefined, month.optional()),
  sort: z.preprocess(blankToUndefined, z.enum(PARTNER_ORDERS).default('overlap')),
  near: z.preprocess(blankToUndefined, z.enum(['all', 'neighbours', 'region']).default('all')),
});

/** The partner finder for one body over a period (default: all its spend held). */
export async function findPartners(db: Database, bodyCode: string, input: unknown) {
  const q = parseInput(partnerQuery, input, 'partner finder');
  const [body] = await selectBodies(db, { bodies: [bodyCode] });
  const held = await spendPeriod(db, [(body as { id: number }).id]);
  const period = { from: q.from ? firstOf(q.from) : held.from, to: q.to ? firstOf(q.to) : held.to };
  const { from, to } = period;
  if (!from || !to) return { period, items: [] };
  // Reused while nothing it reads has changed, as the report is.
  const code = (body as { code: string }).code;
  return {
    period,
    sort: q.sort,
    near: q.near,
    items: await whileUnchanged(db, ['partners', code, from, to, q.sort, q.near], () =>
      partnerFinder(db, code, { from, to }, { sort: q.sort, near: q.near }),
    ),
  };
}

/** The spend left out, a line a reason, largest first, with each body's part. */
function byReason(rows: ExcludedRow[]): OpportunityReport['excluded'] {
  const lines = new Map<ExclusionReason, OpportunityReport['excluded'][number]>();
  for (const r of rows) {
    const line = lines.get(r.reason) ?? {
      reason: r.reason,
      label: EXCLUSION_REASONS[r.reason],
      spendPence: 0,
      byBody: {},
    };
    line.spendPence += r.spendPence;
    line.byBody[r.bodyCode] = (line.byBody[r.bodyCode] ?? 0) + r.spendPence;
    lines.set(r.reason, line);
  }
  return [...lines.values()].sort((a, b) => b.spendPence - a.spendPence);
}

/** Months from one first-of-month to another, both counted. */
function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
}
