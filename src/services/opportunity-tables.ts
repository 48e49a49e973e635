import { OPPORTUNITY_TYPES } from '../domain/opportunities.js';
import type { Table } from '../export/table.js';
import type { OpportunityReport } from './opportunities.js';

const pounds = (pence: number) => Math.round(pence) / 100;

/** A table of one row per key (a reason, a category, a year): each body's spend, then the combined. */
function byBodyTable(
  r: OpportunityReport,
  table: { name: string; title: string; key: string },
  rows: { key: string; byBody: Record<string, number>; spendPence: number }[],
): Table {
  return {
    name: table.name,
    title: table.title,
    header: [table.key, ...r.bodies.map((b) => b.code), 'Combined (£)'],
    rows: rows.map((row) => [
      row.key,
      ...r.bodies.map((b) => pounds(row.byBody[b.code] ?? 0)),
      pounds(row.spendPence),
    ]),
  };
}

/** Every table of the report, as plain rows for CSV and XLSX export (amounts in pounds). */
export function reportTables(r: OpportunityReport): Table[] {
  return [
    {
      name: 'opportunities',
      title: 'Opportunities',
      header: [
        'Type',
        'Opportunity',
        'Bodies',
        'Addressable spend (£)',
        'Savings low (£)',
        'Savings high (£)',
        'Why',
      ],
      rows: r.opportunities.map((o) => [
        OPPORTUNITY_TYPES[o.type],
        o.title,
        o.bodies,
        pounds(o.addressablePence),
        pounds(o.savingsLowPence),
        pounds(o.savingsHighPence),
        o.why,
      ]),
    },
    byBodyTable(
      r,
      { name: 'excluded', title: 'Spend left out, by reason', key: 'Reason' },
      r.excluded.map((x) => ({ ...x, key: x.label })),
    ),
    {
      name: 'bodies',
      title: 'Spend by body',
      header: ['Body code', 'Body', 'Payments', 'Spend (£)', 'Months held', 'A year (£)'],
      rows: r.byBody.map((b) => [
        b.bodyCode,
        b.name,
        b.payments,
        pounds(b.spendPence),
        b.months,
        pounds(b.annualPence),
      ]),
    },
    byBodyTable(
      r,
      { name: 'categories', title: 'Spend by category', key: 'Category' },
      r.byCategory.map((c) => ({ ...c, key: c.label })),
    ),
    byBodyTable(
      r,
      { name: 'years', title: 'Spend by financial year', key: 'Year' },
      r.byYear.map((y) => ({ ...y, key: y.year })),
    ),
    {
      name: 'shared-suppliers',
      title: 'Shared suppliers',
      header: ['Supplier', 'Body code', 'Payments', 'Spend (£)', 'Names used'],
      rows: r.shared.items.flatMap((s) =>
        s.bodies.map((b) => [s.name, b.bodyCode, b.payments, pounds(b.spendPence), b.names.join('; ')]),
      ),
    },
    {
      name: 'markets',
      title: 'Categories by fragmentation',
      header: ['Category', 'Bodies', 'Suppliers', 'Largest supplier share (%)', 'HHI', 'Spend (£)'],
      rows: r.markets.map((m) => [
        m.label,
        m.bodies,
        m.suppliers,
        Math.round(m.topShare * 1000) / 10,
        m.hhi,
        pounds(m.spendPence),
      ]),
    },
    {
      name: 'overlaps',
      title: 'Overlap between bodies',
      header: ['Body', 'Other body', 'Overlap (%)', 'Shared spend (£)'],
      rows: r.overlaps.map((o) => [o.a, o.b, Math.round(o.overlap * 1000) / 10, pounds(o.sharedPence)]),
    },
  ];
}
