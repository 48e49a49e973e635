/**
 * A business case evaluated. Conventions (stated on every page that shows the figures):
 * - Real terms: every figure is at today's prices, discounted at the Green Book rate (green-book.ts).
 *   General inflation moves nothing; only a real price change the user states (pay rising faster than
 *   prices) changes the service's costs, before and after alike, by (1 + change)^year.
 * - Year 0 is now, before the service starts; year 1 is its first year. Year t is discounted by the
 *   Green Book factor for t.
 * - Whole-case figures first: each year's costs are worked out for the case, rounded to the penny once,
 *   and apportioned to the partners, so the parts always make the whole and the total does not depend
 *   on how it is split.
 * - Savings phase in by month: in month m of a partner's time in the service it has moved
 *   phasing[year of m] of its service over (the last figure holds), keeping the rest of its old costs;
 *   optimism bias delays that by whole months and raises the one-off costs and the new service's
 *   running cost by a percentage.
 *   The new service's running cost phases in the same way from its go-live, split by the running shares.
 * - Double running: for the months given from a partner's go-live its old costs continue in full:
 *   the old costs of what has already moved over are paid as well as the new service's.
 * - One-off costs fall in their year: shared ones less funding (which pays the earliest first), split
 *   by the one-off shares of the partners in the service; a partner's own fall to it alone.
 */
import { type Apportionment, type BusinessCaseInput, isIn } from './input.js';
import { discountFactor, nominalRates } from './green-book.js';
import { apportion, roundToTotal } from './rounding.js';
import { runningCostModel, sharing } from './sharing.js';

export interface PartnerYear {
  year: number;
  inService: boolean;
  /** Its share of the running cost that year, 0 to 1. */
  runningShare: number;
  beforePence: number;
  afterPence: number;
  doubleRunningPence: number;
  oneOffPence: number;
  /** Saving net of costs: before − after − double running − one-off. */
  netPence: number;
}

export interface PartnerResult {
  bodyCode: string;
  fromYear: number;
  untilYear: number;
  /** Whether it is in the service in the case's year of full operation (see CaseResult.steadyYear). */
  atFullOperation: boolean;
  /** A year at full operation at today's prices: what it pays now, its share after, the difference. */
  baselinePence: number;
  runningSharePence: number;
  savingPence: number;
  /** Share of the partners' total steady saving, 0 to 1 (negative when it loses). */
  shareOfSaving: number;
  oneOffSharePence: number;
  npvPence: number;
  years: PartnerYear[];
}

export interface CaseYear {
  year: number;
  beforePence: number;
  afterPence: number;
  doubleRunningPence: number;
  oneOffPence: number;
  netPence: number;
  cumulativePence: number;
  discountFactor: number;
  discountedPence: number;
  /** The net saving in cash terms: with general inflation added. */
  cashNetPence: number;
}

export interface CaseStability {
  year: number;
  inCore: boolean;
  /** The partners who would do better running a service of their own, and what they would pay. */
  group?: string[];
  paysPence?: number;
  alonePence?: number;
}

export interface CaseResult {
  years: CaseYear[];
  npvPence: number;
  /** The same case in cash terms, discounted at the matching nominal rates: the same NPV. */
  cash: {
    inflationPercent: number;
    discountPercent: number;
    longTermDiscountPercent: number;
    npvPence: number;
  };
  /** The first year from 1 that the cumulative net saving is not negative and stays so; undefined if never. */
  paybackYear?: number;
  /** The year of full operation: the first with the most partners in the service. */
  steadyYear: number;
  steadySavingPence: number;
  oneOffPence: number;
  partners: PartnerResult[];
  /** Whether the running-cost split is stable: the first year it is not, or year 1's; undefined beyond 10 partners. */
  stability?: CaseStability;
  worseOff: string[];
  /** Ways to leave no partner worse off, in words, when some partner is. */
  repairs: string[];
  summary: string;
}

/**
 * Over a partner's `serviceYear`-th year in the service (1 is its first), by month: the share of its
 * service moved over, and the share moved over while its old costs still run in full (double running).
 */
function phased(c: BusinessCaseInput, serviceYear: number): { moved: number; doubled: number } {
  let [moved, doubled] = [0, 0];
  for (let m = 12 * (serviceYear - 1); serviceYear >= 1 && m < 12 * serviceYear; m++) {
    const since = m - c.optimismBias.delayMonths;
    const share =
      since < 0 ? 0 : (c.phasing[Math.min(Math.floor(since / 12), c.phasing.length - 1)] as number) / 100;
    moved += share;
    // Double running starts at go-live, which optimism bias may have put back.
    if (since >= 0 && since < c.doubleRunningMonths) doubled += share;
  }
  return { moved: moved / 12, doubled: doubled / 12 };
}

/**
 * The new service's running cost in a year as the case plans it, before rounding: phased in as
 * partners move over, raised by optimism bias and by any real price change. What the partners pay
 * on account, and what the annual true-up starts from.
 */
export function plannedRunningCost(c: BusinessCaseInput, year: number): number {
  if (year < 1) return 0;
  const uplift = 1 + c.optimismBias.costPercent / 100;
  const price = (1 + c.realPriceChangePercent / 100) ** year;
  return runningCostModel(c).inYear(year) * uplift * price * phased(c, year).moved;
}

/** The whole case: cash flows per partner and in total, NPV, payback, stability, the no-worse-off check. */
export function evaluate(
  c: BusinessCaseInput,
  names: Record<string, string> = {},
  /** Only the figures: no repairs or stability check (for the many evaluations behind switching values). */
  figuresOnly = false,
): CaseResult {
  const uplift = 1 + c.optimismBias.costPercent / 100;
  const model = runningCostModel(c);
  const running = sharing(c, 'running', { costUplift: uplift, checkStability: !figuresOnly });
  const oneOff = sharing(c, 'oneOff', { costUplift: uplift });
  const price = (year: number) => (1 + c.realPriceChangePercent / 100) ** year;
  const rates = { discountPercent: c.discountPercent, longTermDiscountPercent: c.longTermDiscountPercent };
  const horizon = Array.from({ length: c.horizonYears + 1 }, (_, year) => year);

  // Shared one-off costs by year, raised by optimism bias, less funding (earliest first).
  let funding = c.fundingPence;
  const sharedOneOffs = horizon.map((year) => {
    const gross = Math.round(
      c.oneOffs
        .filter((o) => o.year === year && o.bodyCode === undefined)
        .reduce((s, o) => s + o.amountPence, 0) * uplift,
    );
    const paid = Math.min(gross, funding);
    funding -= paid;
    return gross - paid;
  });

  const partnerYears: PartnerYear[][] = c.partners.map(() => []);
  const years = horizon.map((year) => {
    const shares = running.shares(year);
    const inService = c.partners.map((p) => year >= 1 && isIn(p, year));
    const newService = plannedRunningCost(c, year);
    const own = c.partners.map((p) => phased(c, year - p.fromYear + 1));
    const before = c.partners.map((p, i) => (inService[i] ? p.baselinePence * price(year) : 0));
    const after = c.partners.map((p, i) =>
      inService[i]
        ? p.baselinePence * price(year) * (1 - (own[i]?.moved ?? 0)) + (shares[i] as number) * newService
        : 0,
    );
    // The old costs of what has moved over, still paid in full during double running.
    const double = c.partners.map((p, i) =>
      inService[i] ? p.baselinePence * price(year) * (own[i]?.doubled ?? 0) : 0,
    );
    const ownOneOffs = c.partners.map((p) =>
      Math.round(
        c.oneOffs
          .filter((o) => o.year === year && o.bodyCode === p.bodyCode)
          .reduce((s, o) => s + o.amountPence, 0) * uplift,
      ),
    );
    const shared = apportion(sharedOneOffs[year] as number, oneOff.shares(year));
    const parts = {
      before: roundToTotal(before),
      after: roundToTotal(after),
      double: roundToTotal(double),
      oneOff: ownOneOffs.map((o, i) => o + (shared[i] as number)),
    };
    c.partners.forEach((_, i) => {
      const [b, a, d, o] = [parts.before[i], parts.after[i], parts.double[i], parts.oneOff[i]] as [
        number,
        number,
        number,
        number,
      ];
      partnerYears[i]?.push({
        year,
        inService: inService[i] as boolean,
        runningShare: inService[i] ? (shares[i] as number) : 0,
        beforePence: b,
        afterPence: a,
        doubleRunningPence: d,
        oneOffPence: o,
        netPence: b - a - d - o,
      });
    });
    const total = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    return {
      year,
      beforePence: total(parts.before),
      afterPence: total(parts.after),
      doubleRunningPence: total(parts.double),
      oneOffPence: total(parts.oneOff),
    };
  });

  const nets = years.map((y) => y.beforePence - y.afterPence - y.doubleRunningPence - y.oneOffPence);
  const factors = horizon.map((year) => discountFactor(rates, year));
  const npv = Math.round(nets.reduce((s, net, t) => s + net * (factors[t] as number), 0));
  const discounted = roundToTotal(
    nets.map((net, t) => net * (factors[t] as number)),
    npv,
  );
  const partnerNpvs = roundToTotal(
    partnerYears.map((ys) => ys.reduce((s, y) => s + y.netPence * (factors[y.year] as number), 0)),
    npv,
  );
  const cashRates = nominalRates(rates, c.inflationPercent);
  const inflate = (year: number) => (1 + c.inflationPercent / 100) ** year;
  const cashNpv = Math.round(
    nets.reduce((s, net, t) => s + net * inflate(t) * discountFactor(cashRates, t), 0),
  );
  let cumulative = 0;
  const caseYears: CaseYear[] = years.map((y, t) => {
    cumulative += nets[t] as number;
    return {
      ...y,
      netPence: nets[t] as number,
      cumulativePence: cumulative,
      discountFactor: factors[t] as number,
      discountedPence: discounted[t] as number,
      cashNetPence: Math.round((nets[t] as number) * inflate(t)),
    };
  });

  // Full operation: the first year with the most partners in the service, at today's prices.
  const counts = horizon.map((year) => (year >= 1 ? c.partners.filter((p) => isIn(p, year)).length : 0));
  const steadyYear = counts.indexOf(Math.max(...counts));
  const steadyShares = apportion(Math.round(model.inYear(steadyYear) * uplift), running.shares(steadyYear));
  const partners: PartnerResult[] = c.partners.map((p, i) => {
    const ys = partnerYears[i] as PartnerYear[];
    const atFullOperation = isIn(p, steadyYear);
    const runningShare = steadyShares[i] as number;
    return {
      bodyCode: p.bodyCode,
      fromYear: p.fromYear,
      untilYear: p.untilYear ?? c.horizonYears,
      atFullOperation,
      baselinePence: p.baselinePence,
      runningSharePence: runningShare,
      savingPence: atFullOperation ? p.baselinePence - runningShare : 0,
      shareOfSaving: 0,
      oneOffSharePence: ys.reduce((s, y) => s + y.oneOffPence, 0),
      npvPence: partnerNpvs[i] as number,
      years: ys,
    };
  });
  const steadySaving = partners.reduce((s, p) => s + p.savingPence, 0);
  for (const p of partners) p.shareOfSaving = steadySaving ? p.savingPence / steadySaving : 0;

  const paybackYear = caseYears.find(
    (y, t) => y.year >= 1 && caseYears.slice(t).every((z) => z.cumulativePence >= 0),
  )?.year;
  const name = (code: string) => names[code] ?? code;
  const worseOff = partners.filter((p) => p.npvPence < 0).map((p) => p.bodyCode);
  const stability = stabilityOf(c, running.stability);
  return {
    years: caseYears,
    npvPence: npv,
    cash: {
      inflationPercent: c.inflationPercent,
      discountPercent: Math.round(cashRates.discountPercent * 1e6) / 1e6,
      longTermDiscountPercent: Math.round(cashRates.longTermDiscountPercent * 1e6) / 1e6,
      npvPence: cashNpv,
    },
    ...(paybackYear === undefined ? {} : { paybackYear }),
    steadyYear,
    steadySavingPence: steadySaving,
    oneOffPence: caseYears.reduce((s, y) => s + y.oneOffPence, 0),
    partners,
    ...(stability ? { stability } : {}),
    worseOff,
    repairs: worseOff.length && !figuresOnly ? repairs(c, partners, npv, name) : [],
    summary: summary(
      c,
      npv,
      steadySaving,
      paybackYear,
      worseOff.map(name),
      c.partners.some((p) => p.fromYear > 1 || p.untilYear !== undefined) ? steadyYear : undefined,
    ),
  };
}

function stabilityOf(
  c: BusinessCaseInput,
  check: ((year: number) => ReturnType<NonNullable<ReturnType<typeof sharing>['stability']>>) | undefined,
): CaseStability | undefined {
  if (!check) return undefined;
  for (let year = 1; year <= c.horizonYears; year++) {
    const s = check(year);
    if (!s) return undefined;
    if (!s.inCore)
      return {
        year,
        inCore: false,
        group: s.members.map((i) => c.partners[i]?.bodyCode ?? ''),
        paysPence: Math.round(s.pays),
        alonePence: Math.round(s.alone),
      };
  }
  return { year: 1, inCore: true };
}

const pounds = (p: number) => `£${(Math.abs(p) / 100).toLocaleString('en-GB', { maximumFractionDigits: 0 })}`;

/** Words for a finance director: what it costs, what it saves, when it pays back, who gains. */
function summary(
  c: BusinessCaseInput,
  npv: number,
  saving: number,
  payback: number | undefined,
  worse: string[],
  steadyYear?: number,
): string {
  const when = steadyYear === undefined ? 'At full operation' : `At full operation (year ${steadyYear})`;
  return [
    `Over ${c.horizonYears} years the shared service ${npv >= 0 ? 'saves' : 'costs'} the ${c.partners.length} partners ${pounds(npv)} in today’s prices (net present value, real terms, at the Green Book rate of ${c.discountPercent}%).`,
    saving >= 0
      ? `${when} it saves ${pounds(saving)} a year.`
      : `${when} it costs ${pounds(saving)} a year more than the partners spend now.`,
    payback !== undefined
      ? `It pays back in year ${payback}.`
      : `It does not pay back within ${c.horizonYears} years.`,
    worse.length
      ? `${worse.join(' and ')} would be worse off as the costs are split.`
      : 'No partner is worse off.',
  ].join(' ');
}

/**
 * The smallest fixes that leave no partner worse off: an annual payment to each partner that loses,
 * from those that gain in proportion to their gains; or a split that would leave none worse off.
 */
function repairs(
  c: BusinessCaseInput,
  partners: PartnerResult[],
  npv: number,
  name: (code: string) => string,
): string[] {
  if (npv < 0) return ['The case as a whole loses money, so no split can leave every partner at least even.'];
  const rates = { discountPercent: c.discountPercent, longTermDiscountPercent: c.longTermDiscountPercent };
  const annuity = Array.from({ length: c.horizonYears }, (_, i) => discountFactor(rates, i + 1)).reduce(
    (a, b) => a + b,
    0,
  );
  const losers = partners.filter((p) => p.npvPence < 0);
  const gainers = partners.filter((p) => p.npvPence > 0);
  const needed = losers.map((p) => Math.ceil(-p.npvPence / annuity));
  const from = apportion(
    needed.reduce((a, b) => a + b, 0),
    gainers.map((p) => p.npvPence),
  );
  const words = [
    `An annual payment of ${losers.map((p, i) => `${pounds(needed[i] as number)} to ${name(p.bodyCode)}`).join(' and ')}, ` +
      `paid by ${gainers.map((p, i) => `${name(p.bodyCode)} (${pounds(from[i] as number)})`).join(', ')} in proportion to their gains, ` +
      `leaves every partner at least even over ${c.horizonYears} years.`,
  ];
  for (const method of ['baseline', 'mix'] as const) {
    const alternative: Apportionment = {
      method,
      ...(method === 'mix' ? { weights: { baseline: 50, equal: 50 } } : {}),
      driverAverageYears: 1,
      tolerancePercent: 0,
    };
    try {
      if (!evaluate({ ...c, running: alternative, oneOff: alternative }, {}, true).worseOff.length) {
        words.push(
          `Or split both running and one-off costs ${method === 'baseline' ? 'by baseline cost' : 'half by baseline cost, half equally'}: then no partner is worse off.`,
        );
        break;
      }
    } catch {
      // A split that cannot be made is not offered.
    }
  }
  return words;
}
