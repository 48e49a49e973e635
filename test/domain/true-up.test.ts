import assert from 'node:assert/strict';
import { test } from 'node:test';
import { businessCaseInput } from '../../src/domain/business-case/input.js';
import { trueUp, trueUpInput } from '../../src/domain/business-case/true-up.js';
import { InputError } from '../../src/domain/errors.js';
import { formatPounds } from '../../src/domain/money.js';
import { parseInput } from '../../src/domain/validation.js';

/** A case in full operation from year 1 (no phasing), so the planned running cost is the year's whole cost. */
const agreed = (partners: object[], runningPence: number, method: string, over: object = {}) =>
  parseInput(
    businessCaseInput,
    {
      name: 'Shared revenues service',
      partnership: 'p',
      partners,
      runningPence,
      running: { method },
      phasing: [100],
      ...over,
    },
    'case',
  );
const balances = (t: ReturnType<typeof trueUp>) =>
  t.rows.map((r) => [r.paidPence, r.duePence, r.balancePence]);

test('by activity: the year’s actual caseloads and cost re-run the split, to the penny', () => {
  // Planned: £600,000 split 100:200:300 cases, so £100,000, £200,000 and £300,000 paid on account.
  // Actual: 150, 200 and 250 cases (1/4, 1/3, 5/12) and a cost of £630,000.01, in pence
  // 15,750,000.25; 21,000,000.33; 26,250,000.42 → 15,750,000 + 21,000,000 + 26,250,000, and the
  // 1p left goes to the largest remainder (0.42): 26,250,001.
  const c = agreed(
    [
      { bodyCode: 'ALTON', baselinePence: 20_000_000, driver: 100 },
      { bodyCode: 'BRENT', baselinePence: 30_000_000, driver: 200 },
      { bodyCode: 'CROFT', baselinePence: 40_000_000, driver: 300 },
    ],
    60_000_000,
    'driver',
  );
  const t = trueUp(
    c,
    trueUpInput.parse({
      year: 1,
      runningPence: 63_000_001,
      partners: [
        { bodyCode: 'ALTON', driver: 150 },
        { bodyCode: 'BRENT', driver: 200 },
        { bodyCode: 'CROFT', driver: 250 },
      ],
    }),
    formatPounds,
  );
  assert.equal(t.plannedPence, 60_000_000);
  assert.equal(t.actualPence, 63_000_001);
  assert.deepEqual(balances(t), [
    [10_000_000, 15_750_000, 5_750_000],
    [20_000_000, 21_000_000, 1_000_000],
    [30_000_000, 26_250_001, -3_749_999],
  ]);
  // The parts make the whole: the balances are the actual cost less the planned.
  assert.equal(
    t.rows.reduce((s, r) => s + r.balancePence, 0),
    3_000_001,
  );
  assert.deepEqual(
    t.rows.map((r) => r.words),
    ['ALTON pays a further £57,500', 'BRENT pays a further £10,000', 'CROFT is repaid £37,499.99'],
  );
});

test('by population: the year’s mid-year estimates move the shares, the cost as planned', () => {
  // £400,000 by 100,000 : 200,000 : 300,000 residents: 6,666,666.67, 13,333,333.33, 20,000,000 pence,
  // rounded 6,666,666 + 13,333,333 + 20,000,000 with the 1p left to the largest remainder (0.67):
  // 6,666,667. Actual populations 100,000 : 210,000 : 290,000 (of 600,000): 6,666,666.67,
  // 14,000,000, 19,333,333.33 → 6,666,667, 14,000,000, 19,333,333.
  const c = agreed(
    [
      { bodyCode: 'ALTON', baselinePence: 10_000_000, population: 100_000 },
      { bodyCode: 'BRENT', baselinePence: 20_000_000, population: 200_000 },
      { bodyCode: 'CROFT', baselinePence: 30_000_000, population: 300_000 },
    ],
    40_000_000,
    'population',
  );
  const t = trueUp(
    c,
    trueUpInput.parse({
      year: 2,
      partners: [
        { bodyCode: 'BRENT', population: 210_000 },
        { bodyCode: 'CROFT', population: 290_000 },
      ],
    }),
    formatPounds,
  );
  assert.equal(t.actualPence, 40_000_000, 'blank: the cost as planned');
  assert.deepEqual(balances(t), [
    [6_666_667, 6_666_667, 0],
    [13_333_333, 14_000_000, 666_667],
    [20_000_000, 19_333_333, -666_667],
  ]);
  assert.equal(t.rows[0]?.words, 'ALTON has paid its share exactly');
});

test('what partners pay on account is the running cost the case planned: phased in, with optimism bias', () => {
  // Half the service moves over in year 1, all in year 2; costs raised by 10%: £330,000, then £660,000.
  const c = agreed(
    [
      { bodyCode: 'ALTON', baselinePence: 20_000_000, driver: 100 },
      { bodyCode: 'BRENT', baselinePence: 30_000_000, driver: 200 },
    ],
    60_000_000,
    'driver',
    { phasing: [50, 100], optimismBias: { costPercent: 10, delayMonths: 0 } },
  );
  const year1 = trueUp(c, trueUpInput.parse({ year: 1 }), formatPounds);
  assert.equal(year1.plannedPence, 33_000_000);
  assert.deepEqual(balances(year1), [
    [11_000_000, 11_000_000, 0],
    [22_000_000, 22_000_000, 0],
  ]);
  assert.equal(trueUp(c, trueUpInput.parse({ year: 2 }), formatPounds).plannedPence, 66_000_000);
});

test('a true-up names what it cannot use', () => {
  const c = agreed(
    [
      { bodyCode: 'ALTON', baselinePence: 10_000_000, driver: 1 },
      { bodyCode: 'BRENT', baselinePence: 20_000_000, driver: 1 },
    ],
    10_000_000,
    'driver',
  );
  assert.throws(
    () => trueUp(c, trueUpInput.parse({ year: 11 }), formatPounds),
    (e: InputError) => e.problems[0]?.field === 'year',
  );
  assert.throws(
    () =>
      trueUp(c, trueUpInput.parse({ year: 1, partners: [{ bodyCode: 'DALE', driver: 3 }] }), formatPounds),
    (e: InputError) => e.problems[0]?.field === 'partners.0.bodyCode',
  );
});
