import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_ASSUMPTIONS,
  hhi,
  parseAssumptions,
  rankOpportunities,
} from '../../src/domain/opportunities.js';

test('the Herfindahl–Hirschman index of supplier shares', () => {
  assert.equal(hhi([100]), 10_000);
  assert.equal(hhi([50, 50]), 5_000);
  assert.equal(hhi(Array(10).fill(7)), 1_000);
  // Refunds beyond spend count as no spend, not as a negative share.
  assert.equal(hhi([100, -20]), 10_000);
  assert.equal(hhi([]), 0);
});

test('opportunities: shared suppliers and fragmented categories, largest savings first', () => {
  const found = rankOpportunities(
    [
      {
        supplierId: 1,
        name: 'Acme Care',
        spendPence: 10_000_000,
        bodies: [
          { bodyCode: 'A', spendPence: 6_000_000, payments: 3, names: ['ACME CARE LTD'] },
          { bodyCode: 'B', spendPence: 4_000_000, payments: 2, names: ['Acme Care Limited'] },
        ],
      },
      {
        supplierId: 2,
        name: 'Solo',
        spendPence: 9_000_000,
        bodies: [{ bodyCode: 'A', spendPence: 9_000_000, payments: 1, names: ['Solo'] }],
      },
    ],
    [
      {
        category: '27',
        label: 'ICT',
        spendPence: 50_000_000,
        bodies: 2,
        byBody: { A: 30_000_000, B: 20_000_000 },
        suppliers: 12,
        topShare: 0.2,
        hhi: 900,
      },
      {
        category: '39',
        label: 'Works',
        spendPence: 80_000_000,
        bodies: 2,
        byBody: { A: 70_000_000, B: 10_000_000 },
        suppliers: 12,
        topShare: 0.2,
        hhi: 1_000,
      },
      {
        category: '11',
        label: 'Catering',
        spendPence: 90_000_000,
        bodies: 2,
        byBody: { A: 45_000_000, B: 45_000_000 },
        suppliers: 2,
        topShare: 0.9,
        hhi: 8_200,
      },
      {
        category: '13',
        label: 'Cleaning',
        spendPence: 90_000_000,
        bodies: 1,
        byBody: { A: 90_000_000 },
        suppliers: 20,
        topShare: 0.1,
        hhi: 600,
      },
    ],
  );
  assert.deepEqual(
    found.map((o) => [o.type, o.addressablePence, o.savingsLowPence, o.savingsHighPence]),
    [
      ['service', 50_000_000, 5_000_000, 10_000_000],
      ['category', 80_000_000, 2_400_000, 6_400_000],
      ['supplier', 10_000_000, 200_000, 500_000],
    ],
  );
  // Each body's part, for a business case's baselines.
  assert.deepEqual(
    found.map((o) => o.byBody),
    [
      { A: 30_000_000, B: 20_000_000 },
      { A: 70_000_000, B: 10_000_000 },
      { A: 6_000_000, B: 4_000_000 },
    ],
  );
});

test('savings assumptions are overridden in percent and checked', () => {
  const a = parseAssumptions(['category=2-6', 'service=8.5-15']);
  assert.deepEqual(a.category, { low: 0.02, high: 0.06 });
  assert.deepEqual(a.service, { low: 0.085, high: 0.15 });
  assert.deepEqual(a.supplier, DEFAULT_ASSUMPTIONS.supplier);
  assert.throws(() => parseAssumptions(['category=6-2']), /low must not exceed high/);
  assert.throws(() => parseAssumptions(['widgets=1-2']), /the type one of supplier, category, service/);
  assert.throws(() => parseAssumptions(['category=ten']), /give type=low-high/);
});
