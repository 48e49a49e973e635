import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type BusinessCaseFields,
  type BusinessCaseInput,
  businessCaseInput,
} from '../../src/domain/business-case/input.js';
import { evaluate } from '../../src/domain/business-case/evaluate.js';
import { discountFactor } from '../../src/domain/business-case/green-book.js';
import { switchingValues } from '../../src/domain/business-case/switching.js';
import { parseInput } from '../../src/domain/validation.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Three districts sharing a revenues service: £500,000, £300,000 and £200,000 a year now, £800,000
 * shared; £120,000 of IT before go-live (year 0) and £60,000 of redundancy in year 1.
 */
const threeDistricts = (over: Partial<BusinessCaseFields> = {}) =>
  parseInput(
    businessCaseInput,
    {
      name: 'Shared revenues',
      partnership: 'xyz',
      partners: [
        { bodyCode: 'X', baselinePence: 50_000_000, population: 120_000, driver: 40 },
        { bodyCode: 'Y', baselinePence: 30_000_000, population: 90_000, driver: 35 },
        { bodyCode: 'Z', baselinePence: 20_000_000, population: 60_000, driver: 25 },
      ],
      runningPence: 80_000_000,
      oneOffs: [
        { year: 0, kind: 'it', amountPence: 12_000_000 },
        { year: 1, kind: 'redundancy', amountPence: 6_000_000 },
      ],
      phasing: [50, 100],
      horizonYears: 10,
      ...over,
    },
    'case',
  );

/** The three districts' NPV by hand: −£120,000 now, £40,000 in year 1, £200,000 a year after, at 3.5%. */
const HAND_NPV = Math.round(
  -12_000_000 + 4_000_000 / 1.035 + sum(Array.from({ length: 9 }, (_, i) => 20_000_000 / 1.035 ** (i + 2))),
);

test('real terms: the NPV does not move with general inflation, and the cash view gives the same', () => {
  const npvs = [0, 2, 5].map((inflationPercent) => evaluate(threeDistricts({ inflationPercent })));
  assert.equal(HAND_NPV, 138_873_169);
  for (const r of npvs) {
    assert.equal(r.npvPence, HAND_NPV);
    // Cash flows carry the inflation; the matching nominal rate, 1.035 × (1 + inflation) − 1, takes it out.
    assert.equal(r.cash.npvPence, HAND_NPV);
  }
  const five = npvs[2];
  assert.equal(five?.cash.discountPercent.toFixed(3), '8.675');
  assert.equal(five?.years[10]?.cashNetPence, Math.round(20_000_000 * 1.05 ** 10));
  // The defaults are the Green Book's: 3.5% real, 2% inflation for the cash view only.
  assert.equal(threeDistricts().discountPercent, 3.5);
  assert.equal(threeDistricts().longTermDiscountPercent, 3);
});

test('year 0 is now and not discounted; from year 31 the long-term rate of 3.0%', () => {
  const r = evaluate(threeDistricts());
  assert.deepEqual(r.years[0], {
    year: 0,
    beforePence: 0,
    afterPence: 0,
    doubleRunningPence: 0,
    oneOffPence: 12_000_000,
    netPence: -12_000_000,
    cumulativePence: -12_000_000,
    discountFactor: 1,
    discountedPence: -12_000_000,
    cashNetPence: -12_000_000,
  });
  assert.equal(r.paybackYear, 2);
  // The year-0 cost is split among the partners of year 1, equally by default.
  assert.deepEqual(
    r.partners.map((p) => p.years[0]?.oneOffPence),
    [4_000_000, 4_000_000, 4_000_000],
  );
  const rates = { discountPercent: 3.5, longTermDiscountPercent: 3 };
  assert.equal(discountFactor(rates, 30), 1.035 ** -30);
  assert.equal(discountFactor(rates, 32), 1.035 ** -30 * 1.03 ** -2);
  const long = evaluate(threeDistricts({ horizonYears: 40 }));
  const hand = Math.round(
    -12_000_000 +
      4_000_000 / 1.035 +
      sum(Array.from({ length: 29 }, (_, i) => 20_000_000 / 1.035 ** (i + 2))) +
      sum(Array.from({ length: 10 }, (_, i) => 20_000_000 / (1.035 ** 30 * 1.03 ** (i + 1)))),
  );
  assert.equal(long.npvPence, hand);
});

test('whole-case figures first: the total never depends on the split, and the parts make the whole', () => {
  const splits: BusinessCaseInput['running'][] = [
    { method: 'equal', driverAverageYears: 1, tolerancePercent: 0 },
    { method: 'population', driverAverageYears: 1, tolerancePercent: 0 },
    { method: 'baseline', driverAverageYears: 1, tolerancePercent: 0 },
    { method: 'driver', driverAverageYears: 1, tolerancePercent: 0 },
    { method: 'fixed', percentages: [33.3, 33.3, 33.4], driverAverageYears: 1, tolerancePercent: 0 },
    { method: 'mix', weights: { equal: 30, population: 70 }, driverAverageYears: 1, tolerancePercent: 0 },
    { method: 'shapley', driverAverageYears: 1, tolerancePercent: 0 },
    { method: 'scrb', driverAverageYears: 1, tolerancePercent: 0 },
  ];
  for (const running of splits) {
    const r = evaluate(
      threeDistricts({
        running,
        oneOff: {
          ...running,
          method: running.method === 'shapley' || running.method === 'scrb' ? 'baseline' : running.method,
        },
      }),
    );
    assert.equal(r.npvPence, HAND_NPV, running.method);
    assert.deepEqual(
      r.years.map((y) => y.netPence),
      [-12_000_000, 4_000_000, ...Array(9).fill(20_000_000)],
      running.method,
    );
    r.years.forEach((y, t) =>
      assert.equal(
        sum(r.partners.map((p) => p.years[t]?.netPence ?? 0)),
        y.netPence,
        `${running.method} year ${t}`,
      ),
    );
    assert.equal(sum(r.partners.map((p) => p.npvPence)), r.npvPence, running.method);
    assert.equal(sum(r.years.map((y) => y.discountedPence)), r.npvPence, running.method);
  }
});

/** Two partners: A spends £600,000 a year, B £400,000; shared £800,000; £150,000 of one-off costs. */
const twoPartners = (over: Partial<BusinessCaseFields> = {}) =>
  parseInput(
    businessCaseInput,
    {
      name: 'Shared revenues and benefits',
      partnership: 'ab',
      partners: [
        { bodyCode: 'A', baselinePence: 60_000_000 },
        { bodyCode: 'B', baselinePence: 40_000_000 },
      ],
      runningPence: 80_000_000,
      oneOffs: [{ year: 1, kind: 'redundancy', amountPence: 15_000_000 }],
      phasing: [50, 100],
      horizonYears: 3,
      discountPercent: 0,
      ...over,
    },
    'case',
  );

test('double running, exit costs with pension strain, and optimism bias', () => {
  // Six months of double running: the old costs of the half already moved over are paid for half of
  // year 1 as well, a quarter of each partner's old costs: A £150,000, B £100,000.
  const double = evaluate(twoPartners({ doubleRunningMonths: 6 }));
  assert.deepEqual(
    double.partners.map((p) => p.years[1]?.doubleRunningPence),
    [15_000_000, 10_000_000],
  );
  assert.equal((double.years[1]?.afterPence ?? 0) + (double.years[1]?.doubleRunningPence ?? 0), 115_000_000);
  assert.equal(double.npvPence, 35_000_000 - 25_000_000);
  // Double running starts at go-live, however late: six months late, all moved over at once, the
  // next six months pay the old costs in full as well, half a year's.
  const late = evaluate(
    twoPartners({ phasing: [100], doubleRunningMonths: 6, optimismBias: { costPercent: 0, delayMonths: 6 } }),
  );
  assert.deepEqual(
    late.partners.map((p) => p.years[1]?.doubleRunningPence),
    [30_000_000, 20_000_000],
  );
  // B's own pension strain falls to B alone; the shared redundancy is still split equally.
  const strain = evaluate(
    twoPartners({
      oneOffs: [
        { year: 1, kind: 'redundancy', amountPence: 15_000_000 },
        { year: 1, kind: 'pension-strain', amountPence: 5_000_000, bodyCode: 'B' },
      ],
    }),
  );
  assert.deepEqual(
    strain.partners.map((p) => p.oneOffSharePence),
    [7_500_000, 12_500_000],
  );
  // Optimism bias: costs 10% higher (running £880,000, one-off £165,000) and savings six months late,
  // so 25% of the service has moved over in year 1, 75% in year 2, all of it in year 3.
  const biased = evaluate(twoPartners({ optimismBias: { costPercent: 10, delayMonths: 6 } }));
  assert.deepEqual(
    biased.years.map((y) => y.netPence),
    [0, 0.25 * 12_000_000 - 16_500_000, 0.75 * 12_000_000, 12_000_000],
  );
  assert.equal(biased.npvPence, 7_500_000);
  assert.equal(biased.partners[0]?.runningSharePence, 52_800_000);
});

test('switching values: how far each input moves before the NPV, or a partner’s, is zero', () => {
  const values = Object.fromEntries(switchingValues(twoPartners()).map((v) => [v.input, v]));
  // NPV = 2.5 × (£1,000,000 − running) − £150,000: zero at £940,000, 17.5% more. A pays 60% of it:
  // 2.5 × (£600,000 − 0.6 × running) = £75,000 at £950,000 (+18.75%); B at £925,000 (+15.625%).
  assert.deepEqual(values['Running cost'], {
    input: 'Running cost',
    unit: 'percent',
    case: 17.5,
    losesNow: false,
    partners: [
      { bodyCode: 'A', at: 18.8, worseOffNow: false },
      { bodyCode: 'B', at: 15.6, worseOffNow: false },
    ],
  });
  // Baselines 14% lower: 2.5 × (£860,000 − £800,000) = £150,000. A at 15% lower, B at 12.5%.
  assert.deepEqual(
    [values['Baseline costs']?.case, values['Baseline costs']?.partners.map((p) => p.at)],
    [-14, [-15, -12.5]],
  );
  // One-off costs of £500,000 (+233.3%) use up the £500,000 saved; A's half at +300%, B's at +166.7%.
  assert.deepEqual(
    [values['One-off costs']?.case, values['One-off costs']?.partners.map((p) => p.at)],
    [233.3, [300, 166.7]],
  );
  // Savings 21 months late: 6 months at half and 3 at full saving are left, 9 months of £200,000 a year.
  assert.equal(values['Delay to the savings']?.case, 21);
  // With no one-off costs no delay makes it lose: it only saves less, down to nothing at the horizon.
  assert.equal(switchingValues(twoPartners({ oneOffs: [] })).at(-1)?.case, null);
  // A partner worse off now is marked so; its switching value is where it would break even. Split
  // equally, each pays half the running cost: A even at 2.5 × (£600,000 − R/2) = £75,000, R = £1.14m
  // (+42.5%); B, losing now, even at 2.5 × (£400,000 − R/2) = £75,000, R = £740,000 (−7.5%).
  const equal = switchingValues(twoPartners({ running: { method: 'equal' } }))[0];
  assert.deepEqual(
    equal?.partners.map((p) => [p.bodyCode, p.worseOffNow, p.at]),
    [
      ['A', false, 42.5],
      ['B', true, -7.5],
    ],
  );
});
