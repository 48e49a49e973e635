import { formatPounds } from '../domain/money.js';
import {
  conventions,
  describeSplit,
  describeStability,
  describeSwitching,
} from '../domain/business-case/words.js';
import type { BusinessCaseReport } from '../services/business-case.js';

/**
 * A business case in the terminal, with the page's figures: the summary, each partner's position,
 * the cash flows by year, the splits and their stability, switching values, fixes and sensitivity.
 */
export function describeBusinessCase(r: BusinessCaseReport): string {
  const name = (code: string) => r.names[code] ?? code;
  const { result } = r;
  return [
    `${r.input.name} (business case ${r.id}, ${r.partnershipName})`,
    `  ${result.summary}`,
    `  NPV ${formatPounds(result.npvPence)} in real terms; ${formatPounds(result.cash.npvPence)} in cash terms at ${result.cash.discountPercent.toFixed(3)}% (${result.cash.inflationPercent}% inflation)`,
    `  partners (a year at full operation, year ${result.steadyYear}; NPV over the horizon):`,
    ...result.partners.map(
      (p) =>
        `    ${name(p.bodyCode)}${p.fromYear > 1 || p.untilYear < r.input.horizonYears ? ` (years ${p.fromYear}–${p.untilYear})` : ''}: ` +
        (p.atFullOperation
          ? `pays ${formatPounds(p.baselinePence)} now, ${formatPounds(p.runningSharePence)} after; ` +
            (p.savingPence >= 0
              ? `saves ${formatPounds(p.savingPence)} (${(p.shareOfSaving * 100).toFixed(1)}% of the saving); `
              : `pays ${formatPounds(-p.savingPence)} more; `)
          : `not in the service in year ${result.steadyYear}; `) +
        `one-off share ${formatPounds(p.oneOffSharePence)}; NPV ${formatPounds(p.npvPence)}`,
    ),
    '  net saving by year (real terms; present value):',
    ...result.years.map(
      (y) => `    year ${y.year}: ${formatPounds(y.netPence)}; ${formatPounds(y.discountedPence)}`,
    ),
    `  running cost split ${describeSplit(r.input.running)}; one-off costs ${describeSplit(r.input.oneOff)}`,
    `  ${describeStability(result.stability, name)}`,
    '  switching values:',
    ...r.switchingValues.map((v) => `    ${v.input}: ${describeSwitching(v, name)}`),
    ...result.repairs.map((x) => `  fix: ${x}`),
    '  sensitivity (NPV with the input 20% lower / higher):',
    ...r.sensitivity.map(
      (s) => `    ${s.input}: ${formatPounds(s.lowNpvPence)} / ${formatPounds(s.highNpvPence)}`,
    ),
    '  conventions:',
    ...conventions(r.input).map((c) => `    ${c}`),
  ].join('\n');
}
