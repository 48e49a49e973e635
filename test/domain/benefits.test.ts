import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benefitsEvidence, benefitsPlanInput, type EvidenceInput } from '../../src/domain/benefits.js';
import { formatPounds } from '../../src/domain/money.js';
import { pricesIn } from '../../src/domain/price-index.js';

/** A partner whose supplier cost £1,000 a month in 2023-24 and whatever `after` says from April 2024. */
function evidence(planned: number[], after: number[], over: Partial<EvidenceInput> = {}) {
  const months = (from: number, amounts: number[]) =>
    amounts.map((amountPence, i) => ({
      bodyCode: 'A',
      month: `${from + Math.floor((3 + i) / 12)}-${String(((3 + i) % 12) + 1).padStart(2, '0')}`,
      amountPence,
    }));
  const spend = [...months(2023, Array(12).fill(100_000)), ...months(2024, after)];
  return benefitsEvidence(
    {
      plan: {
        goLive: '2024-04',
        baselineFrom: '2023-04',
        baselineTo: '2024-03',
        partners: [{ bodyCode: 'A', plannedPence: planned }],
      },
      spend,
      held: new Map([['A', new Set(spend.map((s) => s.month))]]),
      recorded: [],
      thisMonth: '2025-12',
      ...over,
    },
    formatPounds,
  )[0];
}

test('a year’s spend is annualised over the months published, and judged against the plan', () => {
  // Three months at £400: £4,800 a year against £12,000 before, a fall of £7,200.
  const partner = evidence([600_000], [40_000, 40_000, 40_000]);
  assert.deepEqual(partner?.years[0]?.spend, {
    from: '2024-04',
    to: '2025-03',
    monthsHeld: 3,
    spendPence: 120_000,
    annualPence: 480_000,
  });
  assert.equal(partner?.years[0]?.seenPence, 720_000);
  assert.equal(partner?.years[0]?.status, 'evidenced');
  assert.equal(
    partner?.years[0]?.words,
    'Spend fell by £7,200 a year (over 3 months published): at least half the £6,000 planned',
  );
  // A fall of less than half the plan, a rise, a host planned to spend more, and a year not yet published.
  assert.equal(evidence([600_000], [80_000])?.years[0]?.status, 'not-yet-visible');
  assert.equal(evidence([600_000], [110_000])?.years[0]?.status, 'contradicted');
  assert.equal(
    evidence([-300_000], [120_000])?.years[0]?.status,
    'evidenced',
    'rose £2,400 against £3,000 planned',
  );
  assert.equal(
    evidence([-200_000], [120_000])?.years[0]?.status,
    'contradicted',
    'rose £2,400 against £2,000 planned',
  );
  const later = evidence([600_000, 600_000], [40_000]);
  assert.equal(later?.years[1]?.status, 'no-data');
  assert.equal(later?.years[1]?.words, 'No spend published for this year yet');
  assert.equal(later?.years[1]?.seenPence, undefined, 'no change seen, rather than a change of nothing');
  assert.equal(evidence([600_000, 600_000, 600_000], [40_000])?.years.length, 2, 'year 3 has not begun');
});

test('in one year’s prices each month is restated before annualising; a supplier no longer held measures nothing', () => {
  const prices = pricesIn(
    {
      series: 'T',
      title: 'Test index',
      points: [
        { period: '2024', value: 110 },
        ...[
          '2023-04',
          '2023-05',
          '2023-06',
          '2023-07',
          '2023-08',
          '2023-09',
          '2023-10',
          '2023-11',
          '2023-12',
          '2024-01',
          '2024-02',
          '2024-03',
        ].map((period) => ({ period, value: 100 })),
        { period: '2024-04', value: 110 },
      ],
    },
    2024,
  );
  const partner = evidence([600_000], [40_000], { prices });
  // The baseline £12,000 at 100 is £13,200 in 2024 prices (110); April's £400 at 110 stays £4,800 a year.
  assert.equal(partner?.baseline.realAnnualPence, 1_320_000);
  assert.equal(partner?.years[0]?.spend.realAnnualPence, 480_000);
  assert.equal(partner?.years[0]?.seenPence, 840_000);
  assert.match(partner?.years[0]?.words ?? '', /a year in 2024 prices/);
  const gone = evidence([600_000], [40_000], { unmeasurable: 'Supplier 7 is no longer held' });
  assert.equal(gone?.years[0]?.status, 'no-data');
  assert.equal(gone?.years[0]?.words, 'Supplier 7 is no longer held');
});

test('a plan is refused in words that name the field', () => {
  const result = benefitsPlanInput.safeParse({
    name: 'Plan',
    goLive: '2024-04',
    baselineFrom: '2024-04',
    baselineTo: '2024-06',
    measures: [
      { kind: 'category', value: '99' },
      { kind: 'supplier', value: 'Civica' },
    ],
    partners: [
      { bodyCode: 'E07000238', plannedPence: [1] },
      { bodyCode: 'E07000238', plannedPence: [1] },
    ],
  });
  assert.equal(result.success, false);
  assert.deepEqual(
    result.error?.issues.map((i) => [i.path.join('.'), i.message]),
    [
      ['measures.0.value', '99 is not a category code'],
      ['measures.1.value', 'A supplier’s number is a whole number, like 123'],
      ['baselineTo', 'The baseline must end before go-live'],
      ['partners.1.bodyCode', 'E07000238 is listed twice'],
    ],
  );
});
