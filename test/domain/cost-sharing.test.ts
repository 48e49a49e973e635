import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BusinessCaseInput, businessCaseInput } from '../../src/domain/business-case/input.js';
import { evaluate } from '../../src/domain/business-case/evaluate.js';
import { parseInput } from '../../src/domain/validation.js';
import { InputError } from '../../src/domain/errors.js';

type Partner = Partial<BusinessCaseInput['partners'][number]> & { bodyCode: string; baselinePence: number };

/** A case with no one-offs, savings in full from year 1, no discounting: the running split shows plainly. */
const shared = (partners: Partner[], running: object, over: object = {}) =>
  parseInput(
    businessCaseInput,
    {
      name: 'Shared service',
      partnership: 'p',
      partners,
      runningPence: 100_000_000,
      phasing: [100],
      horizonYears: 4,
      discountPercent: 0,
      running,
      ...over,
    },
    'case',
  );

/** Each partner's running-cost share, in pence, by year from 1. */
const paysByYear = (c: BusinessCaseInput) =>
  evaluate(c).partners.map((p) => p.years.slice(1).map((y) => Math.round(y.runningShare * 1e6) / 1e6));

test('by component: a county and its districts share a waste service, fixed shares of the core, the rest by households', () => {
  // 40% of the £1m is the core, split 50/25/25; 60% by households (100,000, 60,000 and 40,000):
  // 0.4 × (50%, 25%, 25%) + 0.6 × (50%, 30%, 20%) = 50%, 28%, 22%.
  const c = shared(
    [
      { bodyCode: 'COUNTY', baselinePence: 60_000_000, driver: 100_000 },
      { bodyCode: 'WEST', baselinePence: 30_000_000, driver: 60_000 },
      { bodyCode: 'EAST', baselinePence: 25_000_000, driver: 40_000 },
    ],
    {
      method: 'components',
      parts: [
        { percent: 40, method: 'fixed', percentages: [50, 25, 25] },
        { percent: 60, method: 'driver' },
      ],
    },
  );
  assert.deepEqual(
    evaluate(c).partners.map((p) => p.runningSharePence),
    [50_000_000, 28_000_000, 22_000_000],
  );
  // A part by fixed percentages that gives the partners in the service nothing is refused on that part.
  assert.throws(
    () =>
      evaluate(
        parseInput(
          businessCaseInput,
          {
            ...c,
            partners: c.partners.map((p, i) => (i === 0 ? { ...p, untilYear: 3 } : p)),
            running: {
              method: 'components',
              parts: [
                { percent: 50, method: 'fixed', percentages: [100, 0, 0] },
                { percent: 50, method: 'equal' },
              ],
            },
          },
          'case',
        ),
      ),
    (e: unknown) => e instanceof InputError && e.problems[0]?.field === 'running.parts.0.percentages',
  );
  // The parts must make the whole cost.
  assert.throws(
    () =>
      parseInput(
        businessCaseInput,
        {
          ...c,
          running: {
            method: 'components',
            parts: [
              { percent: 40, method: 'equal' },
              { percent: 50, method: 'driver' },
            ],
          },
        },
        'case',
      ),
    (e: unknown) => e instanceof InputError && e.problems[0]?.field === 'running.parts',
  );
});

test('drivers by year, their rolling three-year average, and a tolerance band', () => {
  const partners = (a: number[], b: number[]): Partner[] => [
    { bodyCode: 'A', baselinePence: 60_000_000, drivers: a },
    { bodyCode: 'B', baselinePence: 60_000_000, drivers: b },
  ];
  // This year's drivers: A 10 then 20 (the last holds), B 30 then 20: 25/75, then 50/50.
  assert.deepEqual(paysByYear(shared(partners([10, 20], [30, 20]), { method: 'driver' })), [
    [0.25, 0.5, 0.5, 0.5],
    [0.75, 0.5, 0.5, 0.5],
  ]);
  // Rolling three-year average of A 10, 20, 30, 30 against B's steady 30: year 2 A averages 15
  // (1/3), year 3 20 (40%), year 4 26⅔ (47.06%: 80/170).
  assert.deepEqual(
    paysByYear(shared(partners([10, 20, 30, 30], [30]), { method: 'driver', driverAverageYears: 3 }))[0],
    [0.25, 0.333333, 0.4, 0.470588],
  );
  // A 10% band: A's 105 is within it of the 100 last used (shares stay 50/50); 112 is not (112/212);
  // back to 105 is within 10% of 112, so 112 stays.
  assert.deepEqual(
    paysByYear(shared(partners([100, 105, 112, 105], [100]), { method: 'driver', tolerancePercent: 10 }))[0],
    [0.5, 0.5, 0.528302, 0.528302],
  );
});

/**
 * Game-theory splits: the running cost is a fixed £300,000 plus £100 a unit of activity, so any group
 * of partners has a cost of its own (set up their own service, or carry on as now if cheaper).
 */
const game = (drivers: number[], baselines: number[], method: 'shapley' | 'scrb') =>
  shared(
    drivers.map((driver, i) => ({
      bodyCode: 'ABC'[i] as string,
      baselinePence: baselines[i] as number,
      driver,
    })),
    { method },
    { runningPence: 30_000_000 + 10_000 * drivers.reduce((a, b) => a + b, 0), runningPerUnitPence: 10_000 },
  );

test('Shapley value and SCRB in the core: no group of partners would do better on its own', () => {
  // Activity 1,000, 2,000 and 3,000 units (£100k, £200k, £300k) against baselines of £500k, £600k and
  // £700k: every group is cheaper shared, c(S) = £300k + £100 × its units. Each partner's Shapley
  // value is a third of the fixed part plus its own units: £200k, £300k, £400k. SCRB: separable costs
  // £100k, £200k, £300k (the whole £900k less each pair's); remaining benefits £300k each (stand-alone
  // £400k, £500k, £600k less them); the £300k left splits equally: £200k, £300k, £400k again.
  for (const method of ['shapley', 'scrb'] as const) {
    const r = evaluate(game([1_000, 2_000, 3_000], [50_000_000, 60_000_000, 70_000_000], method));
    assert.deepEqual(
      r.partners.map((p) => p.runningSharePence),
      [20_000_000, 30_000_000, 40_000_000],
      method,
    );
    assert.deepEqual(r.stability, { year: 1, inCore: true }, method);
  }
});

test('Shapley value outside the core: two partners would do better running a service of their own', () => {
  // A and B (100k each of activity, £500k baselines) with C, whose £400k of activity costs more in the
  // service than the £200k it spends now. On its own: A £400k, B £400k, C £200k (as now); A and B
  // £500k; A or B with C £600k (C stays as it is); all three £900k. C's marginal costs over the six
  // orders of joining: £200k, £200k (first), £200k, £200k (second), £400k, £400k (last): £266,667.
  const r = evaluate(game([1_000, 1_000, 4_000], [50_000_000, 50_000_000, 20_000_000], 'shapley'));
  // In pence the thirds of a penny go to the earlier partners, so the shares make the £900,000.
  assert.deepEqual(
    r.partners.map((p) => p.runningSharePence),
    [31_666_667, 31_666_667, 26_666_666],
  );
  // A and B pay £633,333 together under it, £500,000 on their own.
  assert.deepEqual(r.stability, {
    year: 1,
    inCore: false,
    group: ['A', 'B'],
    paysPence: 63_333_333,
    alonePence: 50_000_000,
  });
  // SCRB: separable costs £300k, £300k, £400k; remaining benefits £100k, £100k and none for C; the
  // −£100k left comes off A and B: £250k, £250k, £400k. A and B no longer lose, but C would leave.
  const scrb = evaluate(game([1_000, 1_000, 4_000], [50_000_000, 50_000_000, 20_000_000], 'scrb'));
  assert.deepEqual(
    scrb.partners.map((p) => p.runningSharePence),
    [25_000_000, 25_000_000, 40_000_000],
  );
  assert.deepEqual(scrb.stability, {
    year: 1,
    inCore: false,
    group: ['C'],
    paysPence: 40_000_000,
    alonePence: 20_000_000,
  });
});

test('partners joining and leaving: the others’ shares and the running cost follow', () => {
  // A and B from the start; C joins in year 3 with its own £30,000 joining cost; B leaves after year 4.
  // The running cost is £400,000 fixed plus £10 a unit: A and B's 40,000 units make £800,000, and C's
  // 15,000 add £150,000. Split equally among those in the service.
  const c = shared(
    [
      { bodyCode: 'A', baselinePence: 60_000_000, driver: 20_000 },
      { bodyCode: 'B', baselinePence: 40_000_000, driver: 20_000 },
      { bodyCode: 'C', baselinePence: 30_000_000, driver: 15_000, fromYear: 3 },
    ],
    { method: 'equal' },
    {
      runningPence: 80_000_000,
      runningPerUnitPence: 1_000,
      horizonYears: 5,
      oneOffs: [{ year: 3, kind: 'other', amountPence: 3_000_000, bodyCode: 'C' }],
    },
  );
  const withLeaver = parseInput(
    businessCaseInput,
    { ...c, partners: c.partners.map((p) => (p.bodyCode === 'B' ? { ...p, untilYear: 4 } : p)) },
    'case',
  );
  const r = evaluate(withLeaver);
  const third = 1 / 3;
  assert.deepEqual(
    r.partners.map((p) => p.years.slice(1).map((y) => y.runningShare)),
    [
      [0.5, 0.5, third, third, 0.5],
      [0.5, 0.5, third, third, 0],
      [0, 0, third, third, 0.5],
    ],
  );
  // Year 3: £950,000 in thirds (£316,666.67; the odd penny to the first two); C pays its joining cost.
  assert.deepEqual(
    r.partners.map((p) => p.years[3]?.netPence),
    [60_000_000 - 31_666_667, 40_000_000 - 31_666_667, 30_000_000 - 31_666_666 - 3_000_000],
  );
  // Year 5: B has gone; £750,000 (£400,000 + 35,000 units) in halves between A and C.
  assert.deepEqual(
    r.partners.map((p) => p.years[5]?.netPence),
    [60_000_000 - 37_500_000, 0, 30_000_000 - 37_500_000],
  );
  assert.equal(r.years[5]?.netPence, 90_000_000 - 75_000_000);
  // Full operation is year 3, the first with all three in: £1.3m now against £950,000 shared.
  assert.equal(r.steadyYear, 3);
  assert.equal(r.steadySavingPence, 130_000_000 - 95_000_000);
  assert.equal(
    r.partners.reduce((s, p) => s + p.runningSharePence, 0),
    95_000_000,
  );
  // A year with one partner is not a shared service.
  assert.throws(
    () =>
      parseInput(
        businessCaseInput,
        {
          ...withLeaver,
          partners: withLeaver.partners.map((p) => (p.bodyCode === 'C' ? { ...p, untilYear: 3 } : p)),
        },
        'case',
      ),
    /errors/,
  );
});
