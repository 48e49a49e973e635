import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPounds, formatPoundsShort, parsePounds, poundsDecimal } from '../../src/domain/money.js';

test('parses the ways amounts are written in the news and in forms, to the penny', () => {
  assert.equal(parsePounds('£1,300,000'), 130_000_000);
  assert.equal(parsePounds('1.3m'), 130_000_000);
  assert.equal(parsePounds('£725m'), 72_500_000_000);
  assert.equal(parsePounds('£6bn'), 600_000_000_000);
  assert.equal(parsePounds('12.5'), 1250);
  assert.equal(parsePounds('-12.50'), -1250);
  assert.equal(parsePounds('0.07'), 7);
  // 0.1 + 0.2 style float error would give 1234567.8899999 pence here
  assert.equal(parsePounds('12345.68'), 1_234_568);
});

test('refuses text that is not an amount', () => {
  for (const bad of ['', 'abc', '1.234', '1,23', '£', '12..5', '99999999999999999999']) {
    assert.equal(parsePounds(bad), undefined, bad);
  }
});

test('formats pence as pounds for people and for spreadsheets', () => {
  assert.equal(formatPounds(130_000_000), '£1,300,000');
  assert.equal(formatPounds(1250), '£12.50');
  assert.equal(formatPoundsShort(1_740_000_000), '£17.4m');
  assert.equal(formatPoundsShort(72_500_000_000), '£725m');
  assert.equal(poundsDecimal(130_000_050), '1300000.50');
  assert.equal(poundsDecimal(-5), '-0.05');
});
