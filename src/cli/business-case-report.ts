import { formatPounds } from '../domain/money.js';
import type { BusinessCaseReport } from '../services/business-case.js';

/** A business case in the terminal: the summary, each partner's position, repairs and sensitivity. */
export function describeBusinessCase(r: BusinessCaseReport): string {
  const name = (code: string) => r.names[code] ?? code;
  return [
    `${r.input.name} (business case ${r.id}, ${r.partnershipName})`,
    `  ${r.result.summary}`,
    '  partners (a year at full operation; NPV over the horizon):',
    ...r.result.partners.map(
      (p) =>
        `    ${name(p.bodyCode)}: pays ${formatPounds(p.baselinePence)} now, ${formatPounds(p.runningSharePence)} after; ` +
        `saves ${formatPounds(p.savingPence)} (${(p.shareOfSaving * 100).toFixed(1)}% of the saving); ` +
        `one-off share ${formatPounds(p.oneOffSharePence)}; NPV ${formatPounds(p.npvPence)}`,
    ),
    ...r.result.repairs.map((x) => `  fix: ${x}`),
    '  sensitivity (NPV with the input 20% lower / higher):',
    ...r.sensitivity.map(
      (s) => `    ${s.input}: ${formatPounds(s.lowNpvPence)} / ${formatPounds(s.highNpvPence)}`,
    ),
  ].join('\n');
}
