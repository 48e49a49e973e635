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

test('a split by component keeps every part up to the last typed in, and names problems on their own part', () => {
  const { input, rows } = read({
    runningMethod: 'components',
    'runningPart-0-percent': '10',
    'runningPart-0-method': 'equal',
    'runningPart-1-percent': '20',
    'runningPart-1-method': 'equal',
    'runningPart-2-method': 'equal',
    'runningPart-3-percent': '70',
    'runningPart-3-method': 'fixed',
    'runningPart-3-share-0': '50',
    'runningPart-3-share-1': '40',
  });
  assert.deepEqual(
    input.running.parts?.map((p) => p.percent),
    [10, 20, undefined, 70],
  );
  assert.deepEqual(
    businessCaseFormProblems(
      [
        { field: 'running.parts.2.percent', message: 'Give the percentage as a number' },
        { field: 'running.parts.3.percentages', message: 'The percentages must add up to 100' },
        { field: 'running.parts', message: 'The parts of the cost must add up to 100%' },
      ],
      rows,
    ).map((p) => p.field),
    ['runningPart-2-percent', 'runningPart-3-share-0', 'runningPart-0-percent'],
  );
});
