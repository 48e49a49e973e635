import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/domain/errors.js';
import { pricesIn } from '../../src/domain/price-index.js';
import { readPriceSeries } from '../../src/ingest/price-index.js';
import { needsSharedData, sharedData } from '../helpers/databases.js';

test(
  'ONS’s CPI file reads as years, quarters and months, restating a month in one year’s prices',
  needsSharedData,
  () => {
    const file = join(sharedData, 'reference', 'ons-cpi-index-d7bt.csv');
    const s = readPriceSeries(readFileSync(file, 'utf8'), 'ons-cpi-index-d7bt.csv');
    assert.equal(s.series, 'D7BT');
    assert.equal(s.title, 'CPI INDEX 00: ALL ITEMS 2015=100');
    assert.equal(s.releaseDate, '25-03-2026');
    assert.deepEqual(
      s.points.find((p) => p.period === '2025'),
      { period: '2025', value: 138.4 },
    );
    assert.deepEqual(
      s.points.find((p) => p.period === '2025 Q2'),
      { period: '2025 Q2', value: 138.5 },
    );
    assert.deepEqual(
      s.points.find((p) => p.period === '2024-04'),
      { period: '2024-04', value: 133.5 },
    );
    const prices = pricesIn(s, 2025);
    assert.ok(prices);
    assert.equal(prices.lastMonth, '2026-02');
    // £1 paid in April 2024 (133.5) is £1.0367 in 2025 prices (138.4); months after February 2026 take its 140.1.
    assert.equal(prices.factor('2024-04'), 138.4 / 133.5);
    assert.equal(prices.factor('2026-05'), 138.4 / 140.1);
    assert.equal(prices.factor('1987-12'), undefined);
    assert.equal(pricesIn(s, 2031), undefined);
  },
);

test('a year with no annual figure is the average of its months; a quarter stands in for missing months', () => {
  const text = [
    '"Title","GDP deflator"',
    '"CDID","L8GG"',
    '"2024 Q1","100"',
    '"2024 Q2","104"',
    ...['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'].map(
      (m, i) => `"2023 ${m}","${90 + i}"`,
    ),
  ].join('\n');
  const s = readPriceSeries(text, 'deflator.csv');
  const prices = pricesIn(s, 2023);
  assert.ok(prices);
  // 2023's months average 95.5; May 2024 has no month of its own, so its quarter's 104.
  assert.equal(prices.factor('2023-01'), 95.5 / 90);
  assert.equal(prices.factor('2024-05'), 95.5 / 104);
});

test('a file that is not a price index is refused, naming the file, row and field', () => {
  const bad = [
    '"Title","CPI"',
    '"CDID","D7BT"',
    '"2024 JAN","133"',
    '"2024 FEB",""',
    '"2024 FEB","134"',
    '"2024 MAR","134"',
    '"2024 MAR","135"',
  ];
  assert.throws(
    () => readPriceSeries(bad.join('\n'), 'cpi.csv'),
    (e: InputError) => {
      assert.equal(
        e.describe(),
        [
          'The price index cannot be read',
          '  cpi.csv, row 4, value: The index for 2024 FEB must be a positive number',
          '  cpi.csv, row 7, period: 2024 MAR is given twice',
        ].join('\n'),
      );
      return true;
    },
  );
  for (const value of ['0x10', '1e3', '-5', 'n/a'])
    assert.throws(
      () => readPriceSeries(`"CDID","D7BT"\n"2024 JAN","${value}"`, 'cpi.csv'),
      (e: InputError) => e.problems[0]?.field === 'value' && e.problems[0].row === 2,
      value,
    );
  assert.throws(
    () => readPriceSeries('PK\u0003\u0004\u0014\u0000binary', 'cpi.xlsx'),
    (e: InputError) => /not a CSV file/.test(e.describe()) && e.file === 'cpi.xlsx',
  );
  assert.throws(
    () => readPriceSeries('"Title","x"\n"2024","100"', 'x.csv'),
    (e: InputError) => e.problems.map((p) => p.field).join() === 'CDID,period',
  );
});
