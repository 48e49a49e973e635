import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirectoryNames, expenseExclusion, payeeExclusion } from '../../src/domain/addressable.js';

const directory = new DirectoryNames([
  'Greater Manchester Combined Authority',
  'Salford City Council',
  'Trafford Metropolitan Borough Council',
  'trafford',
]);
const reason = (name: string, redacted = false) => payeeExclusion({ name, redacted }, directory);

test('payees that are tax, pensions, levies, public bodies or redacted, as named in real files', () => {
  assert.equal(reason('HMRC CUMBERNAULD'), 'tax');
  assert.equal(reason('H M Revenue & Customs'), 'tax');
  assert.equal(reason('GREATER MANCHESTER SUPERANN FUND'), 'pensions');
  assert.equal(reason('TEACHERS PENSIONS'), 'pensions');
  // A pension fund run by a council is a pension, not a payment to a council.
  assert.equal(reason('Tameside MB-GMPF'), 'pensions');
  assert.equal(reason('Environment Agency'), 'public_bodies');
  assert.equal(reason('Post Office Ltd'), 'public_bodies');
  assert.equal(reason('Salford City Council'), 'public_bodies');
  // Cut at the file's field width, still the combined authority in the directory.
  assert.equal(reason('Greater Manchester Combined Authori'), 'public_bodies');
  assert.equal(reason('Redacted', true), 'redacted');
  assert.equal(reason('Flood Defence Levy'), 'levies');
});

test('suppliers councils buy from stay addressable, however their names read', () => {
  for (const name of [
    'Amey LG Ltd',
    'Reed Specialist Recruitment Ltd',
    'Capita Business Services Ltd',
    'Council Supplies Direct Ltd',
    'Trafford Plumbing Ltd',
    'Salford Van Hire',
  ])
    assert.equal(reason(name), undefined, name);
});

test('expense types that are not purchases, and ones that are', () => {
  assert.equal(expenseExclusion('PAYE and NI'), 'tax');
  assert.equal(expenseExclusion('Employer pension contributions'), 'pensions');
  assert.equal(expenseExclusion('Transport levy'), 'levies');
  assert.equal(expenseExclusion('Housing benefit payments'), 'grants');
  assert.equal(expenseExclusion('SOCIAL CARE : Direct payments'), 'grants');
  assert.equal(expenseExclusion('Grants to voluntary organisations'), 'grants');
  assert.equal(expenseExclusion('Refund of overpayment'), 'refunds');
  assert.equal(expenseExclusion('Creditors - BACS'), 'refunds');
  for (const label of [
    'Revenues and benefits service',
    'Mobile phones',
    'Consultancy: traffic planning',
    'Cleaning',
  ])
    assert.equal(expenseExclusion(label), undefined, label);
});
