/**
 * A business case's methods and findings in words, the same on the page, in the terminal and in
 * downloads.
 */
import { formatPounds } from '../money.js';
import { APPORTIONMENT_METHODS, type Apportionment, type BusinessCaseInput, type Split } from './input.js';
import type { CaseStability } from './evaluate.js';
import type { SwitchingValue } from './switching.js';

/** What each way of splitting a cost does, for the person choosing it. */
export const SHARING_EXPLAINED: Record<keyof typeof APPORTIONMENT_METHODS, string> = {
  equal: 'Each partner in the service pays the same.',
  population: 'In proportion to each partner’s residents.',
  baseline:
    'In proportion to what each partner spends on the service now, so each saves the same percentage.',
  driver:
    'In proportion to each partner’s activity (cases, transactions, households): the year’s, or the average of the last three years’.',
  fixed: 'Percentages the partners agree; a partner that joins or leaves changes the others’ in proportion.',
  mix: 'A weighted blend of equal shares, population, baseline cost and activity.',
  components:
    'Part of the cost one way and the rest another: for example fixed shares of a core, the rest by households.',
  shapley:
    'Each partner pays what it adds to the cost, averaged over every order in which the partners could have joined. Fair in a precise sense; needs a running cost with a fixed part and a cost per unit of activity.',
  scrb: 'Each partner pays the cost only it causes (its separable cost); the rest is shared in proportion to what each gains over going it alone.',
};

const splitWords = (s: Split) =>
  s.method === 'fixed'
    ? `fixed percentages (${(s.percentages ?? []).join('%, ')}%)`
    : s.method === 'mix'
      ? `a mix (${Object.entries(s.weights ?? {})
          .map(
            ([m, w]) =>
              `${w}% ${APPORTIONMENT_METHODS[m as keyof typeof APPORTIONMENT_METHODS].toLowerCase()}`,
          )
          .join(', ')})`
      : APPORTIONMENT_METHODS[s.method].toLowerCase();

/** A split in one line: "by component: 40% fixed percentages (50%, 25%, 25%), 60% by activity". */
export function describeSplit(a: Apportionment): string {
  const how =
    a.method === 'components'
      ? `by component: ${(a.parts ?? []).map((p) => `${p.percent}% ${splitWords(p)}`).join(', ')}`
      : splitWords(a);
  return [
    how,
    ...(a.driverAverageYears === 3 ? ['activity averaged over the last three years'] : []),
    ...(a.tolerancePercent > 0
      ? [`shares move only when activity moves by more than ${a.tolerancePercent}%`]
      : []),
  ].join('; ');
}

/** Whether the running-cost split is stable, in words. */
export function describeStability(s: CaseStability | undefined, name: (code: string) => string): string {
  if (!s) return 'Not worked out: stability is checked for up to 10 partners.';
  if (s.inCore)
    return 'Stable: in every year no partner or group of partners would pay less running a service of its own, or carrying on as now.';
  const group = (s.group ?? []).map(name);
  return `Not stable from year ${s.year}: ${group.join(' and ')} would pay ${formatPounds(s.alonePence ?? 0)} a year on ${group.length > 1 ? 'their' : 'its'} own, against ${formatPounds(s.paysPence ?? 0)} under this split.`;
}

/** A change in words: "up 17.5%", "21 months late", "as it is". */
const change = (v: SwitchingValue, at: number) =>
  v.unit === 'months'
    ? `${at} month${at === 1 ? '' : 's'} late`
    : at === 0
      ? 'as it is'
      : `${at > 0 ? 'up' : 'down'} ${Math.abs(at)}%`;

/**
 * Where one NPV switches, for a table cell: "up 17.5%", or for one below zero now, "worse off now;
 * even at down 7.5%"; "never, within the range tried" where no change tried turns it.
 */
export function switchingCell(v: SwitchingValue, at: number | null, belowZeroNow: boolean): string {
  if (!belowZeroNow) return at === null ? 'never, within the range tried' : change(v, at);
  return at === null ? 'worse off now, and at every change tried' : `worse off now; even at ${change(v, at)}`;
}

/** A switching value in words: when the case stops paying, and when each partner is worse off. */
export function describeSwitching(v: SwitchingValue, name: (code: string) => string): string {
  const beyond = (at: number | null) =>
    at === null ? 'never, within the range tried' : `beyond ${change(v, at)}`;
  const even = (at: number | null) => (at === null ? 'never, within the range tried' : `at ${change(v, at)}`);
  return [
    v.losesNow
      ? `the case loses money now; it would break even ${even(v.case)}`
      : `the case stops saving ${beyond(v.case)}`,
    ...v.partners.map((p) =>
      p.worseOffNow
        ? `${name(p.bodyCode)} is worse off now and would break even ${even(p.at)}`
        : `${name(p.bodyCode)} is worse off ${beyond(p.at)}`,
    ),
  ].join('; ');
}

/** The conventions the figures follow, stated wherever they are shown. */
export function conventions(c: BusinessCaseInput): string[] {
  return [
    `Real terms: every figure is in today’s prices, discounted at ${c.discountPercent}% a year (HM Treasury’s Green Book rate) to year 30${c.horizonYears > 30 ? ` and ${c.longTermDiscountPercent}% after` : ''}. General inflation (${c.inflationPercent}%) changes only the cash view, which discounts at the matching nominal rate and gives the same net present value.`,
    c.realPriceChangePercent
      ? `The service’s costs, now and shared, change by ${c.realPriceChangePercent}% a year in real terms (prices relative to general inflation).`
      : 'No real price change is assumed: the service’s costs move with general inflation.',
    'Year 0 is now, before the service starts, and is not discounted; year 1 is its first year.',
    `Savings phase in ${c.phasing.join('%, ')}% by year${c.optimismBias.delayMonths ? `, ${c.optimismBias.delayMonths} months late for optimism bias` : ''}; a partner that joins later pays its share of the running cost from its first year and phases out its old costs from then.`,
    ...(c.optimismBias.costPercent
      ? [
          `Optimism bias: the one-off costs (shared and each partner’s own) and the new service’s running cost are raised by ${c.optimismBias.costPercent}%.`,
        ]
      : []),
    ...(c.doubleRunningMonths
      ? [
          `Double running: for ${c.doubleRunningMonths} months from each partner’s go-live its old costs continue in full, so the part of its service already moved over is paid for twice.`,
        ]
      : []),
    'Each year’s totals are worked out for the whole case, rounded to the penny once, and then split, so the partners’ figures always add up to the total.',
  ];
}
