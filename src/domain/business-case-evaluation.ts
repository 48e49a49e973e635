/**
 * A business case evaluated: each partner's cash flows, NPV and payback, whether any partner is
 * worse off and how to repair it, and how far the answer moves with each input. The conventions
 * are stated with the input in business-case.ts.
 */
import { type Apportionment, apportion, type BusinessCaseInput, shares } from './business-case.js';

export interface PartnerYear {
  year: number;
  beforePence: number;
  afterPence: number;
  oneOffPence: number;
  /** Saving net of one-off costs: before − after − one-off. */
  netPence: number;
}

export interface PartnerResult {
  bodyCode: string;
  /** Steady state, a year at today's prices: what it pays now and its share of the running cost. */
  baselinePence: number;
  runningSharePence: number;
  savingPence: number;
  /** Share of the partners' total steady-state saving, 0 to 1 (negative when it loses). */
  shareOfSaving: number;
  oneOffSharePence: number;
  npvPence: number;
  years: PartnerYear[];
}

export interface CaseResult {
  years: { year: number; netPence: number; cumulativePence: number; discountedPence: number }[];
  npvPence: number;
  /** The first year the cumulative net saving is not negative; undefined if never within the horizon. */
  paybackYear?: number;
  steadySavingPence: number;
  oneOffPence: number;
  partners: PartnerResult[];
  worseOff: string[];
  /** Ways to leave no partner worse off, in words, when some partner is. */
  repairs: string[];
  summary: string;
}

const discount = (c: BusinessCaseInput, year: number) => (1 + c.discountPercent / 100) ** -(year - 1);
const inflate = (c: BusinessCaseInput, year: number) => (1 + c.inflationPercent / 100) ** (year - 1);
const phase = (c: BusinessCaseInput, year: number) =>
  (c.phasing[Math.min(year, c.phasing.length) - 1] as number) / 100;

/** Net one-off cost by year after funding, which pays the earliest costs first. */
function oneOffByYear(c: BusinessCaseInput): number[] {
  const gross = Array.from({ length: c.horizonYears }, (_, i) =>
    c.oneOffs.filter((o) => o.year === i + 1).reduce((sum, o) => sum + o.amountPence, 0),
  );
  let funding = c.fundingPence;
  return gross.map((g) => {
    const paid = Math.min(g, funding);
    funding -= paid;
    return g - paid;
  });
}

/** The whole case: cash flows per partner and in total, NPV, payback, the no-worse-off check. */
export function evaluate(c: BusinessCaseInput, names: Record<string, string> = {}): CaseResult {
  const running = apportion(c.runningPence, shares(c, c.running, 'running.method'));
  const oneOffShares = shares(c, c.oneOff, 'oneOff.method');
  const oneOffs = oneOffByYear(c);
  const oneOffSplit = oneOffs.map((o) => apportion(o, oneOffShares));
  const partners: PartnerResult[] = c.partners.map((p, k) => {
    const years = Array.from({ length: c.horizonYears }, (_, i) => {
      const year = i + 1;
      const before = Math.round(p.baselinePence * inflate(c, year));
      const after = Math.round(
        (p.baselinePence - phase(c, year) * (p.baselinePence - (running[k] as number))) * inflate(c, year),
      );
      const oneOff = oneOffSplit[i]?.[k] ?? 0;
      return {
        year,
        beforePence: before,
        afterPence: after,
        oneOffPence: oneOff,
        netPence: before - after - oneOff,
      };
    });
    return {
      bodyCode: p.bodyCode,
      baselinePence: p.baselinePence,
      runningSharePence: running[k] as number,
      savingPence: p.baselinePence - (running[k] as number),
      shareOfSaving: 0,
      oneOffSharePence: oneOffSplit.reduce((sum, y) => sum + (y[k] ?? 0), 0),
      npvPence: Math.round(years.reduce((sum, y) => sum + y.netPence * discount(c, y.year), 0)),
      years,
    };
  });
  const steadySaving = partners.reduce((sum, p) => sum + p.savingPence, 0);
  for (const p of partners) p.shareOfSaving = steadySaving ? p.savingPence / steadySaving : 0;

  let cumulative = 0;
  const years = Array.from({ length: c.horizonYears }, (_, i) => {
    const net = partners.reduce((sum, p) => sum + (p.years[i] as PartnerYear).netPence, 0);
    cumulative += net;
    return {
      year: i + 1,
      netPence: net,
      cumulativePence: cumulative,
      discountedPence: Math.round(net * discount(c, i + 1)),
    };
  });
  const npv = partners.reduce((sum, p) => sum + p.npvPence, 0);
  const paybackYear = years.find(
    (y) => y.cumulativePence >= 0 && years.slice(y.year).every((z) => z.cumulativePence >= 0),
  )?.year;
  const name = (code: string) => names[code] ?? code;
  const worseOff = partners.filter((p) => p.npvPence < 0).map((p) => p.bodyCode);
  return {
    years,
    npvPence: npv,
    ...(paybackYear ? { paybackYear } : {}),
    steadySavingPence: steadySaving,
    oneOffPence: oneOffs.reduce((a, b) => a + b, 0),
    partners,
    worseOff,
    repairs: worseOff.length ? repairs(c, partners, npv, name) : [],
    summary: summary(c, npv, steadySaving, paybackYear, worseOff.map(name)),
  };
}

/** Words for a finance director: what it costs, what it saves, when it pays back, who gains. */
function summary(
  c: BusinessCaseInput,
  npv: number,
  saving: number,
  payback: number | undefined,
  worse: string[],
): string {
  const pounds = (p: number) =>
    `£${(Math.abs(p) / 100).toLocaleString('en-GB', { maximumFractionDigits: 0 })}`;
  return [
    `Over ${c.horizonYears} years the shared service ${npv >= 0 ? 'saves' : 'costs'} the ${c.partners.length} partners ${pounds(npv)} in today’s money (net present value at ${c.discountPercent}%).`,
    saving >= 0
      ? `At full operation it saves ${pounds(saving)} a year at today’s prices.`
      : `At full operation it costs ${pounds(saving)} a year more than the partners spend now.`,
    payback ? `It pays back in year ${payback}.` : `It does not pay back within ${c.horizonYears} years.`,
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
  const pounds = (p: number) => `£${(p / 100).toLocaleString('en-GB', { maximumFractionDigits: 0 })}`;
  if (npv < 0) return ['The case as a whole loses money, so no split can leave every partner at least even.'];
  const annuity = Array.from({ length: c.horizonYears }, (_, i) => discount(c, i + 1)).reduce(
    (a, b) => a + b,
    0,
  );
  const losers = partners.filter((p) => p.npvPence < 0);
  const gainers = partners.filter((p) => p.npvPence > 0);
  const needed = losers.map((p) => Math.ceil(-p.npvPence / annuity));
  const total = needed.reduce((a, b) => a + b, 0);
  const from = apportion(
    total,
    gainers.map((p) => p.npvPence),
  );
  const words = [
    `An annual payment of ${losers.map((p, i) => `${pounds(needed[i] as number)} to ${name(p.bodyCode)}`).join(' and ')}, ` +
      `paid by ${gainers.map((p, i) => `${name(p.bodyCode)} (${pounds(from[i] as number)})`).join(', ')} in proportion to their gains, ` +
      `leaves every partner at least even over ${c.horizonYears} years.`,
  ];
  for (const method of ['baseline', 'mix'] as const) {
    const alternative: Apportionment =
      method === 'baseline' ? { method } : { method: 'mix', weights: { baseline: 50, equal: 50 } };
    try {
      const tried = evaluate({ ...c, running: alternative, oneOff: alternative });
      if (!tried.worseOff.length) {
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

export interface Sensitivity {
  input: string;
  lowNpvPence: number;
  highNpvPence: number;
  /** Each partner's steady saving with the input low and high. */
  partners: { bodyCode: string; lowPence: number; highPence: number }[];
}

/** NPV and savings with each key input varied by ±percent, widest swing first (a tornado). */
export function sensitivity(c: BusinessCaseInput, percent = 20): Sensitivity[] {
  const f = percent / 100;
  const scale = (x: number, by: number) => Math.round(x * by);
  const variants: [string, (by: number) => BusinessCaseInput][] = [
    ['Running cost', (by) => ({ ...c, runningPence: scale(c.runningPence, by) })],
    [
      'Baseline costs',
      (by) => ({
        ...c,
        partners: c.partners.map((p) => ({ ...p, baselinePence: scale(p.baselinePence, by) })),
      }),
    ],
    [
      'One-off costs',
      (by) => ({ ...c, oneOffs: c.oneOffs.map((o) => ({ ...o, amountPence: scale(o.amountPence, by) })) }),
    ],
    ['Discount rate', (by) => ({ ...c, discountPercent: c.discountPercent * by })],
    ['Inflation', (by) => ({ ...c, inflationPercent: c.inflationPercent * by })],
  ];
  return variants
    .map(([input, vary]) => {
      const [low, high] = [evaluate(vary(1 - f)), evaluate(vary(1 + f))];
      return {
        input,
        lowNpvPence: low.npvPence,
        highNpvPence: high.npvPence,
        partners: c.partners.map((p, i) => ({
          bodyCode: p.bodyCode,
          lowPence: (low.partners[i] as PartnerResult).savingPence,
          highPence: (high.partners[i] as PartnerResult).savingPence,
        })),
      };
    })
    .sort((a, b) => Math.abs(b.highNpvPence - b.lowNpvPence) - Math.abs(a.highNpvPence - a.lowNpvPence));
}
