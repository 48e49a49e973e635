import { OPPORTUNITY_TYPES } from '../domain/opportunities.js';
import type { Table } from '../export/table.js';
import type { OpportunityReport } from './opportunities.js';

const pounds = (pence: number) => Math.round(pence) / 100;

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
    {
      name: 'excluded',
      title: 'Spend left out, by reason',
      header: ['Reason', ...r.bodies.map((b) => b.code), 'Combined (£)'],
      rows: r.excluded.map((x) => [
        x.label,
        ...r.bodies.map((b) => pounds(x.byBody[b.code] ?? 0)),
        pounds(x.spendPence),
      ]),
    },
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
    {
      name: 'categories',
      title: 'Spend by category',
      header: ['Category', ...r.bodies.map((b) => b.code), 'Combined (£)'],
      rows: r.byCategory.map((c) => [
        c.label,
        ...r.bodies.map((b) => pounds(c.byBody[b.code] ?? 0)),
        pounds(c.spendPence),
      ]),
    },
    {
      name: 'years',
      title: 'Spend by financial year',
      header: ['Year', ...r.bodies.map((b) => b.code), 'Combined (£)'],
      rows: r.byYear.map((y) => [
        y.year,
        ...r.bodies.map((b) => pounds(y.byBody[b.code] ?? 0)),
        pounds(y.spendPence),
      ]),
    },
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
