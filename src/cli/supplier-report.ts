import { CATEGORIES } from '../domain/categories.js';
import { formatPounds } from '../domain/money.js';
import { LINK_REASONS } from '../domain/suppliers/resolve.js';
import type { UnmappedLabel } from '../store/categories.js';
import type { Supplier } from '../store/suppliers.js';

/** A supplier in the terminal: its names and why each is there, then spend by body and year. */
export function describeSupplier(s: Supplier): string {
  return [
    `${s.name} (supplier ${s.id})`,
    '  names:',
    ...s.names.map(
      (n) =>
        `    ${n.name} — ${LINK_REASONS[n.reason as keyof typeof LINK_REASONS] ?? n.reason}` +
        `${n.confidence < 1 ? ` (${Math.round(n.confidence * 100)}% alike)` : ''}; ${n.bodies.join(', ') || 'no payments'}; ${formatPounds(n.spendPence)}`,
    ),
    '  spend by body and financial year:',
    ...s.spend.map(
      (x) =>
        `    ${x.year}  ${x.bodyName} (${x.bodyCode}): ${formatPounds(x.spendPence)} in ${x.payments.toLocaleString('en-GB')} payments`,
    ),
  ].join('\n');
}

export function describeUnmapped(rows: UnmappedLabel[]): string {
  if (!rows.length) return 'Every expense type has a category.';
  return rows
    .map((r) => {
      const line = `${formatPounds(r.spendPence).padStart(16)}  ${r.bodyCode}  ${r.value}  (label ${r.labelId})`;
      const d = r.disagreement;
      return d ? `${line}  code says ${CATEGORIES[d.byCode]}, words say ${CATEGORIES[d.byWords]}` : line;
    })
    .join('\n');
}
