/**
 * Benefits plans with their evidence: what each partner planned to save, what it has recorded, and
 * what its published spend shows (domain/benefits.ts says how), in one year's prices.
 */
import type { Membership } from '../domain/access.js';
import {
  addMonths,
  benefitsEvidence,
  EVIDENCE_STATUSES,
  type EvidenceYear,
  type PartnerEvidence,
  plannedFromCase,
  type EvidenceStatus,
  REALISED_STATUSES,
  type RealisedStatus,
} from '../domain/benefits.js';
import { CATEGORIES } from '../domain/categories.js';
import { thisMonth as monthNow } from '../domain/dates.js';
import { InputError, NotFoundError } from '../domain/errors.js';
import { formatPounds } from '../domain/money.js';
import { pricesIn, type PriceSeries } from '../domain/price-index.js';
import { type TrueUp, trueUp, trueUpInput } from '../domain/business-case/true-up.js';
import { parseInput } from '../domain/validation.js';
import type { Table } from '../export/table.js';
import { bodiesByCode } from '../store/bodies.js';
import {
  getBenefitsPlan,
  listBenefitsPlans,
  measuredSpend,
  monthsPublished,
  realisedSavings,
  savingsReportedIn,
  type StoredBenefitsPlan,
  type StoredSaving,
} from '../store/benefits.js';
import type { Sql } from '../store/db.js';
import { getPriceSeries } from '../store/price-indices.js';
import { supplierNames } from '../store/opportunities.js';
import { businessCaseReport } from './business-case.js';

export interface YearTotal {
  year: number;
  plannedPence: number;
  recordedPence: number;
  verifiedPence: number;
  /** The fall seen in spend where it evidences the plan, up to the saving planned. */
  evidencedPence: number;
}

export interface BenefitsReport {
  plan: StoredBenefitsPlan;
  names: Record<string, string>;
  measures: { kind: string; value: string; name: string }[];
  prices?: { series: string; title: string; year: number; lastMonth: string };
  partners: (PartnerEvidence & { links: { name: string; href: string }[][] })[];
  savings: StoredSaving[];
  years: YearTotal[];
  /** Over every year so far. */
  totals: Totals;
  /** The largest figure of any partner-year, planned, recorded or seen (either way): the plan's charts' scale. */
  chartMostPence: number;
}

export interface ReportOptions {
  /** The year whose prices figures are in; the latest whole year the index has by default. */
  priceYear?: number | undefined;
  series?: string | undefined;
  /** The month taken as now (yyyy-mm): years starting later are not shown. */
  thisMonth?: string | undefined;
}

/** The latest year with a whole year's figure in the series. */
function latestYear(s: PriceSeries): number | undefined {
  const years = s.points.filter((p) => /^\d{4}$/.test(p.period)).map((p) => Number(p.period));
  return years.length ? Math.max(...years) : undefined;
}

export async function benefitsReport(
  db: Sql,
  plan: StoredBenefitsPlan,
  options: ReportOptions = {},
): Promise<BenefitsReport> {
  const p = plan.input;
  const codes = p.partners.map((x) => x.bodyCode);
  const thisMonth = options.thisMonth ?? monthNow();
  const lastYearEnd = addMonths(p.goLive, 12 * Math.max(...p.partners.map((x) => x.plannedPence.length)) - 1);
  const to = lastYearEnd < thisMonth ? lastYearEnd : thisMonth;
  const series = await getPriceSeries(db, options.series);
  const year = options.priceYear ?? (series && latestYear(series));
  const prices = series && year !== undefined ? pricesIn(series, year) : undefined;
  if (options.priceYear !== undefined && !prices)
    throw new InputError('There is no price index for that year', [
      {
        field: 'prices',
        message: `The ${series?.series ?? 'loaded'} index has no figure for ${options.priceYear}`,
      },
    ]);
  const [spend, held, savings, bodies, suppliers] = await Promise.all([
    measuredSpend(db, codes, p.measures, p.baselineFrom, to),
    monthsPublished(db, codes, p.baselineFrom, to),
    realisedSavings(db, [plan.id]),
    bodiesByCode(db, codes),
    supplierNames(
      db,
      p.measures.filter((m) => m.kind === 'supplier').map((m) => Number(m.value)),
    ),
  ]);
  // A supplier regrouped away since the plan was made would read as spend falling to nothing.
  const gone = p.measures.filter((m) => m.kind === 'supplier' && !suppliers.has(Number(m.value)));
  const partners = benefitsEvidence(
    {
      plan: p,
      spend,
      held,
      prices,
      recorded: savings,
      thisMonth,
      unmeasurable: gone.length
        ? `Supplier ${gone.map((m) => m.value).join(', ')} is no longer held (merged or regrouped): choose the supplier again in the plan`
        : undefined,
    },
    formatPounds,
  );
  const measures = p.measures.map((m) => ({
    ...m,
    name:
      m.kind === 'supplier'
        ? (suppliers.get(Number(m.value)) ?? `Supplier ${m.value}`)
        : (CATEGORIES[m.value as keyof typeof CATEGORIES] ?? m.value),
  }));
  const link = (bodyCode: string, from: string, until: string) =>
    measures.map((m) => ({
      name: m.name,
      href: `/opportunities/evidence?bodies=${bodyCode}&from=${from}&to=${until}&${m.kind}=${encodeURIComponent(m.value)}`,
    }));
  // Node 20 has no Map.groupBy: years are 1, 2, … so an array indexed by year serves.
  const byYear: YearTotal[][] = [];
  for (const y of partners.flatMap((x) => x.years.map(yearTotal))) (byYear[y.year - 1] ??= []).push(y);
  const years = byYear.map((parts, i) => ({ ...sumYears(parts), year: i + 1 }));
  return {
    plan,
    names: Object.fromEntries(bodies.map((b) => [b.code, b.name])),
    measures,
    ...(prices && series
      ? {
          prices: {
            series: series.series,
            title: series.title,
            year: prices.year,
            lastMonth: prices.lastMonth,
          },
        }
      : {}),
    partners: partners.map((x) => ({
      ...x,
      links: [
        link(x.bodyCode, x.baseline.from, x.baseline.to),
        ...x.years.map((y) => link(x.bodyCode, y.spend.from, y.spend.to)),
      ],
    })),
    savings,
    years,
    totals: sumYears(years),
    chartMostPence: Math.max(
      1,
      ...partners.flatMap((x) =>
        x.years.flatMap((y) =>
          [y.plannedPence, y.recorded?.amountPence ?? 0, y.seenPence ?? 0].map(Math.abs),
        ),
      ),
    ),
  };
}

/** Every plan the reader may see, of a partnership or a body, with its evidence. */
export async function benefitsReports(
  db: Sql,
  m: Membership,
  of: { partnership?: string | undefined; bodyCode?: string | undefined },
  options: ReportOptions = {},
): Promise<BenefitsReport[]> {
  const plans = await listBenefitsPlans(db, m, of);
  const reports: BenefitsReport[] = [];
  for (const plan of plans) reports.push(await benefitsReport(db, plan, options));
  return reports;
}

export type Totals = Omit<YearTotal, 'year'>;

/** Planned, recorded, verified and evidenced, over every year so far of the plans given. */
export function benefitsTotals(reports: BenefitsReport[]): Totals {
  return sumYears(reports.flatMap((r) => r.years));
}

/** The same for one partner: what it has saved through each plan. */
export function partnerTotals(r: BenefitsReport, bodyCode: string): Totals {
  return sumYears((r.partners.find((p) => p.bodyCode === bodyCode)?.years ?? []).map(yearTotal));
}

/**
 * A partner's year as figures to add up. Evidenced is the fall seen in spend where it evidences the
 * plan, up to the saving planned: a category's spend may fall for reasons of its own, and the part
 * beyond the plan is not the plan's to count.
 */
const yearTotal = (y: EvidenceYear): YearTotal => ({
  year: y.year,
  plannedPence: y.plannedPence,
  recordedPence: y.recorded?.amountPence ?? 0,
  verifiedPence: y.recorded?.status === 'verified' ? y.recorded.amountPence : 0,
  evidencedPence:
    y.status === 'evidenced' && y.plannedPence > 0 ? Math.min(y.seenPence ?? 0, y.plannedPence) : 0,
});

function sumYears(years: YearTotal[]): Totals {
  const sum = (pick: (y: YearTotal) => number) => years.reduce((t, y) => t + pick(y), 0);
  return {
    plannedPence: sum((y) => y.plannedPence),
    recordedPence: sum((y) => y.recordedPence),
    verifiedPence: sum((y) => y.verifiedPence),
    evidencedPence: sum((y) => y.evidencedPence),
  };
}

/**
 * A plan's input as a business case gives it at go-live: the partners' savings by year from the
 * case's figures; the measures and baseline are the partnership's to add.
 */
export async function planFromBusinessCase(db: Sql, slug: string, businessCaseId: number) {
  const report = await businessCaseReport(db, businessCaseId);
  if (report.partnershipSlug !== slug)
    throw new NotFoundError(`No business case has the number ${businessCaseId}`);
  return {
    name: report.input.name,
    businessCaseId,
    ...(report.input.projectId !== undefined ? { projectId: report.input.projectId } : {}),
    partners: plannedFromCase(report.result),
  };
}

/** The year's true-up of the running cost, by the method the plan's business case agreed. */
export async function planTrueUp(db: Sql, plan: StoredBenefitsPlan, raw: unknown): Promise<TrueUp> {
  if (plan.input.businessCaseId === undefined)
    throw new InputError('This plan has no business case, so there is no agreed split to true up');
  const report = await businessCaseReport(db, plan.input.businessCaseId);
  return trueUp(report.input, parseInput(trueUpInput, raw, 'true-up'), formatPounds);
}

const pounds = (pence: number | undefined) => (pence === undefined ? '' : Math.round(pence) / 100);

/** A plan's figures for CSV and XLSX, one row per partner and year (amounts in pounds). */
export function benefitsTables(r: BenefitsReport): Table[] {
  const prices = r.prices ? `${r.prices.year} prices` : 'prices as paid';
  return [
    {
      name: 'evidence',
      title: `Benefits: ${r.plan.input.name}`,
      header: [
        'Body code',
        'Body',
        'Year',
        'From',
        'To',
        'Planned saving (£)',
        'Recorded saving (£)',
        'Recorded as',
        'Months published',
        'Spend as paid (£)',
        'Annual spend as paid (£)',
        `Annual spend, ${prices} (£)`,
        `Baseline annual spend, ${prices} (£)`,
        `Fall in annual spend, ${prices} (£)`,
        'Status',
        'In words',
      ],
      rows: r.partners.flatMap((p) =>
        p.years.map((y) => [
          p.bodyCode,
          r.names[p.bodyCode] ?? p.bodyCode,
          y.year,
          y.spend.from,
          y.spend.to,
          pounds(y.plannedPence),
          pounds(y.recorded?.amountPence),
          y.recorded ? REALISED_STATUSES[y.recorded.status] : '',
          y.spend.monthsHeld,
          pounds(y.spend.spendPence),
          pounds(y.spend.annualPence),
          pounds(r.prices ? y.spend.realAnnualPence : y.spend.annualPence),
          pounds(r.prices ? p.baseline.realAnnualPence : p.baseline.annualPence),
          pounds(y.seenPence),
          EVIDENCE_STATUSES[y.status],
          y.words,
        ]),
      ),
    },
  ];
}

export interface ReportedSaving {
  newsItemId: number;
  planId: number;
  planName: string;
  bodyCode: string;
  bodyName: string;
  year: number;
  amountPence: number;
  status: RealisedStatus;
  evidence?: { status: EvidenceStatus; words: string; seenPence?: number };
}

/**
 * The realised savings news items report, each with what published spend shows for its partner and
 * year: what a news item's page and the news summary cite. Public plans only.
 */
export async function savingsInTheNews(db: Sql, newsItemIds: number[]): Promise<ReportedSaving[]> {
  const savings = await savingsReportedIn(db, newsItemIds);
  const reports = new Map<number, BenefitsReport>();
  for (const id of new Set(savings.map((s) => s.planId)))
    reports.set(id, await benefitsReport(db, await getBenefitsPlan(db, id)));
  return savings.map((s) => {
    const r = reports.get(s.planId) as BenefitsReport;
    const y = r.partners.find((p) => p.bodyCode === s.bodyCode)?.years.find((x) => x.year === s.year);
    return {
      newsItemId: s.newsItemId as number,
      planId: s.planId,
      planName: r.plan.input.name,
      bodyCode: s.bodyCode,
      bodyName: r.names[s.bodyCode] ?? s.bodyCode,
      year: s.year,
      amountPence: s.amountPence,
      status: s.status,
      ...(y
        ? {
            evidence: {
              status: y.status,
              words: y.words,
              ...(y.seenPence !== undefined ? { seenPence: y.seenPence } : {}),
            },
          }
        : {}),
    };
  });
}
