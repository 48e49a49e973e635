import assert from 'node:assert/strict';
import { test } from 'node:test';
import { businessCaseFromForm, businessCaseFormProblems } from '../../src/server/business-case-form.js';

const members = ['A', 'B'];
const read = (fields: Record<string, string>) =>
  businessCaseFromForm(
    { 'partner-0-baseline': '100', 'partner-1-baseline': '100', ...fields },
    'ab',
    members,
  );

test('activity typed for each year: thousands commas, semicolons, commas and spaces', () => {
  const drivers = (typed: string) => {
    const [partner] = read({ 'partner-0-driver': typed }).input.partners as {
      driver?: number;
      drivers?: number[];
    }[];
    return partner?.drivers ?? partner?.driver;
  };
  assert.equal(drivers('12,500'), 12_500);
  assert.deepEqual(drivers('12,500, 13,000'), [12_500, 13_000]);
  assert.deepEqual(drivers('1,200; 1,250'), [1_200, 1_250]);
  assert.deepEqual(drivers('10,20,30'), [10, 20, 30]);
  assert.deepEqual(drivers('12,50'), [12, 50]);
  assert.deepEqual(drivers('120 125'), [120, 125]);
});

test('a one-off row with anything typed is a cost, asked about on its own row', () => {
  const { input, rows } = read({ 'oneoff-3-year': '2', 'oneoff-3-kind': 'it' });
  assert.deepEqual(input.oneOffs, [{ year: 2, kind: 'it', amountPence: undefined }]);
  assert.deepEqual(
    businessCaseFormProblems(
      [{ field: 'oneOffs.0.amountPence', message: 'Give the one-off cost in pence' }],
      rows,
    ),
    [{ field: 'oneoff-3-amount', message: 'Give the one-off cost in pounds, like 125,000 or 125,000.50' }],
  );
  // A cost per unit keeps its fractions of a penny.
  assert.deepEqual(read({ runningPerUnit: '£0.125' }).input, {
    ...read({}).input,
    runningPerUnitPence: 12.5,
  });
});
