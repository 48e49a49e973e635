import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BusinessCaseFields, businessCaseInput } from '../../src/domain/business-case/input.js';
import { apportion } from '../../src/domain/business-case/rounding.js';
import { evaluate } from '../../src/domain/business-case/evaluate.js';
import { sensitivity } from '../../src/domain/business-case/switching.js';
import { InputError } from '../../src/domain/errors.js';
import { parseInput } from '../../src/domain/validation.js';

/** Two partners: A spends £600,000 a year on the service, B £400,000; shared, it would cost £800,000. */
const worked = (over: Partial<BusinessCaseFields> = {}) =>
  parseInput(
    businessCaseInput,
    {
      name: 'Shared revenues and benefits',
      partnership: 'ab',
      partners: [
        { bodyCode: 'A', baselinePence: 60_000_000, population: 300_000, driver: 10 },
        { bodyCode: 'B', baselinePence: 40_000_000, population: 100_000, driver: 30 },
      ],
      runningPence: 80_000_000,
      oneOffs: [{ year: 1, kind: 'redundancy', amountPence: 15_000_000 }],
      phasing: [50, 100],
      inflationPercent: 0,
      horizonYears: 3,
      discountPercent: 0,
      running: { method: 'baseline' },
      oneOff: { method: 'equal' },
      ...over,
    },
    'case',
  );

test('largest-remainder rounding: the parts always make the whole', () => {
  assert.deepEqual(apportion(100, [1, 1, 1]), [34, 33, 33]);
  assert.deepEqual(apportion(1, [1, 1]), [1, 0]);
  assert.deepEqual(apportion(-100, [1, 1, 1]), [-34, -33, -33]);
  assert.deepEqual(apportion(1_000, [3, 1]), [750, 250]);
  assert.deepEqual(apportion(10, [0.35, 0.35, 0.3]), [4, 3, 3]);
  // Properties over many random cases: sums kept, no negative parts, equal weights within a penny.
  let seed = 42;
  const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  for (let i = 0; i < 2_000; i++) {
    const total = Math.floor(random() * 1e10);
    const weights = Array.from({ length: 1 + Math.floor(random() * 12) }, () => random() * 1_000);
    const parts = apportion(total, weights);
    assert.equal(
      parts.reduce((a, b) => a + b, 0),
      total,
    );
    assert.ok(parts.every((p) => p >= 0 && Number.isInteger(p)));
    const equal = apportion(
      total,
      weights.map(() => 7),
    );
    assert.ok(Math.max(...equal) - Math.min(...equal) <= 1);
  }
});

test('a worked case: cash flows, payback and NPV computed by hand', () => {
  const r = evaluate(worked());
  // Running split by baseline: A £480,000, B £320,000; steady savings £120,000 and £80,000.
  assert.deepEqual(
    r.partners.map((p) => [p.runningSharePence, p.savingPence]),
    [
      [48_000_000, 12_000_000],
      [32_000_000, 8_000_000],
    ],
  );
  // Year 1: half the saving (A £60,000, B £40,000) less half the £150,000 one-off each.
  assert.deepEqual(
    r.partners.map((p) => p.years.map((y) => y.netPence)),
    [
      [0, -1_500_000, 12_000_000, 12_000_000],
      [0, -3_500_000, 8_000_000, 8_000_000],
    ],
  );
  assert.deepEqual(
    r.years.map((y) => y.cumulativePence),
    [0, -5_000_000, 15_000_000, 35_000_000],
  );
  assert.equal(r.paybackYear, 2);
  assert.equal(r.npvPence, 35_000_000);
  assert.deepEqual(r.worseOff, []);
  // At 10%: year t is discounted by 1.1^-t (year 0 is now). A: −£15,000/1.1 + £120,000/1.1² +
  // £120,000/1.1³ = £175,694.9662; B: −£35,000/1.1 + £80,000/1.1² + £80,000/1.1³ = £94,402.7047.
  const discounted = evaluate(worked({ discountPercent: 10 }));
  const hand = (flows: number[]) => flows.reduce((s, f, i) => s + f / 1.1 ** (i + 1), 0);
  const [a, b] = [hand([-1_500_000, 12_000_000, 12_000_000]), hand([-3_500_000, 8_000_000, 8_000_000])];
  assert.equal(discounted.npvPence, Math.round(a + b));
  assert.equal(discounted.npvPence, 27_009_767);
  // The parts make the whole: A's .66 of a penny outranks B's .48 for the penny left over.
  assert.deepEqual(
    discounted.partners.map((p) => p.npvPence),
    [17_569_497, 9_440_270],
  );
  // General inflation changes nothing in real terms; a real price change (pay rising 1% a year
  // faster than prices) raises year t's costs, before and after alike, by 1.01^t.
  assert.equal(evaluate(worked({ inflationPercent: 10 })).npvPence, 35_000_000);
  const dearer = evaluate(worked({ realPriceChangePercent: 1 }));
  assert.equal(dearer.partners[0]?.years[2]?.beforePence, Math.round(60_000_000 * 1.01 ** 2));
  assert.deepEqual(
    dearer.years.map((y) => y.netPence),
    [0, 0.5 * 20_000_000 * 1.01 - 15_000_000, 20_000_000 * 1.01 ** 2, Math.round(20_000_000 * 1.01 ** 3)],
  );
  // Funding of £100,000 pays most of the one-off: £25,000 is left, £12,500 each.
  assert.equal(evaluate(worked({ fundingPence: 10_000_000 })).partners[1]?.oneOffSharePence, 2_500_000);
});

test('each way of splitting the running cost', () => {
  const split = (running: BusinessCaseFields['running']) =>
    evaluate(worked({ running })).partners.map((p) => p.runningSharePence);
  assert.deepEqual(split({ method: 'equal' }), [40_000_000, 40_000_000]);
  assert.deepEqual(split({ method: 'population' }), [60_000_000, 20_000_000]);
  assert.deepEqual(split({ method: 'baseline' }), [48_000_000, 32_000_000]);
  assert.deepEqual(split({ method: 'driver' }), [20_000_000, 60_000_000]);
  assert.deepEqual(split({ method: 'fixed', percentages: [70, 30] }), [56_000_000, 24_000_000]);
  // Half by population (75/25), half equally (50/50): 62.5% and 37.5%.
  assert.deepEqual(
    split({ method: 'mix', weights: { population: 50, equal: 50 } }),
    [50_000_000, 30_000_000],
  );
});

test('no partner worse off: the check, and the smallest repair in words', () => {
  // Split equally, B pays £400,000 of running cost: no saving, and half the one-off.
  const r = evaluate(worked({ running: { method: 'equal' } }), { A: 'Ayeshire', B: 'Beeshire' });
  assert.deepEqual(r.worseOff, ['B']);
  assert.equal(r.partners[1]?.npvPence, -7_500_000);
  assert.match(
    r.repairs[0] as string,
    /An annual payment of £25,000 to Beeshire, paid by Ayeshire \(£25,000\)/,
  );
  assert.match(
    r.repairs[1] as string,
    /split both running and one-off costs by baseline cost: then no partner is worse off/,
  );
  assert.match(r.summary, /Beeshire would be worse off/);
  // A case that loses money overall cannot be repaired by splitting it differently.
  const losing = evaluate(worked({ runningPence: 120_000_000 }));
  assert.match(losing.repairs[0] as string, /no split can leave every partner at least even/);
  assert.equal(losing.paybackYear, undefined);
});

test('sensitivity: each input ±20%, widest swing first', () => {
  const tornado = sensitivity(worked(), 20);
  assert.equal(tornado[0]?.input, 'Baseline costs');
  const running = tornado.find((t) => t.input === 'Running cost');
  // Running cost £640,000: saving £360,000 a year (×2.5 phased years) − £150,000 = £750,000.
  assert.equal(running?.lowNpvPence, 75_000_000);
  assert.equal(running?.highNpvPence, -5_000_000);
  assert.deepEqual(running?.partners[0], { bodyCode: 'A', lowPence: 21_600_000, highPence: 2_400_000 });
});

test('bad input is refused naming the field, or handled by a stated rule', () => {
  const problems = (over: object) => {
    try {
      parseInput(businessCaseInput, { ...worked(), ...over }, 'case');
      return [];
    } catch (error) {
      return (error as InputError).problems.map((p) => `${p.field}: ${p.message}`);
    }
  };
  assert.deepEqual(problems({ runningPence: -1 }), ['runningPence: The running cost cannot be negative']);
  assert.deepEqual(problems({ horizonYears: 1_000 }), ['horizonYears: The horizon is 3 to 60 years']);
  assert.deepEqual(problems({ horizonYears: 0 }), [
    'horizonYears: The horizon is 3 to 60 years',
    'oneOffs.0.year: The year is after the horizon',
  ]);
  assert.deepEqual(problems({ running: { method: 'fixed', percentages: [60, 30] } }), [
    'running.percentages: The percentages must add up to 100',
  ]);
  assert.deepEqual(problems({ running: { method: 'mix', weights: { equal: 30 } } }), [
    'running.weights: The weights must add up to 100',
  ]);
  assert.deepEqual(problems({ partners: [{ bodyCode: 'A', baselinePence: 1 }] }), [
    'partners: A shared service needs at least two partners',
  ]);
  // Splitting by population when a partner has none is refused naming that partner's field.
  const noPopulation = worked({
    partners: [
      { bodyCode: 'A', baselinePence: 60_000_000, population: 300_000 },
      { bodyCode: 'B', baselinePence: 40_000_000 },
    ],
    running: { method: 'population' },
  });
  assert.throws(
    () => evaluate(noPopulation),
    (e: unknown) => e instanceof InputError && e.problems[0]?.field === 'partners.1.population',
  );
  // A population of zero is a stated rule: that partner's share by population is nothing.
  const zero = worked({
    partners: [
      { bodyCode: 'A', baselinePence: 60_000_000, population: 300_000 },
      { bodyCode: 'B', baselinePence: 40_000_000, population: 0 },
    ],
    running: { method: 'population' },
  });
  assert.deepEqual(
    evaluate(zero).partners.map((p) => p.runningSharePence),
    [80_000_000, 0],
  );
});
