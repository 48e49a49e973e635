import { formatPounds } from '../domain/money.js';
import type { Table } from '../export/table.js';
import type { OpportunityReport } from '../services/opportunities.js';

/** The report in the terminal: the period and totals, then each table with aligned columns. */
export function describeOpportunities(r: OpportunityReport, tables: Table[]): string {
  if (r.synthetic) console.error('Note: the figures include synthetic demo spend, not real payments.');
  if (!r.period.from) return `No spend is held for ${r.bodies.map((b) => b.code).join(', ')}.`;
  const lines = [
    `${r.bodies.length} bodies, ${r.period.from.slice(0, 7)} to ${r.period.to?.slice(0, 7)}: combined addressable spend ${formatPounds(r.totalPence)} (${formatPounds(r.annualPence)} a year), ` +
      `${r.shared.total} suppliers shared by two or more, ${r.opportunities.length} opportunities`,
    ...r.excluded.map((x) => `  left out: ${x.label.toLowerCase()} ${formatPounds(x.spendPence)}`),
  ];
  for (const t of tables) {
    if (!t.rows.length) continue;
    const shown = t.rows.slice(0, 15).map((row) => row.map((cell) => String(cell).slice(0, 50)));
    const widths = t.header.map((h, i) => Math.max(h.length, ...shown.map((row) => (row[i] ?? '').length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (/^-?[\d.]+$/.test(c) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
        .join('  ');
    lines.push(
      '',
      `${t.title}${t.rows.length > 15 ? ` (first 15 of ${t.rows.length})` : ''}`,
      line(t.header),
      ...shown.map(line),
    );
  }
  return lines.join('\n');
}
