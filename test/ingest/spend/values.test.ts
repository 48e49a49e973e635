import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRedactedName } from '../../../src/domain/spend.js';
import { detectColumns } from '../../../src/ingest/spend/columns.js';
import { parseAmount, parseDate } from '../../../src/ingest/spend/values.js';

const value = <T>(parsed: { value: T } | { reason: string }) =>
  'value' in parsed ? parsed.value : undefined;
const reason = (parsed: { value: unknown } | { reason: string }) =>
  'reason' in parsed ? parsed.reason : 'accepted';

test('reads dates as UK councils write them', () => {
  for (const [text, iso] of [
    ['31/03/2025', '2025-03-31'],
    ['1/4/2024', '2024-04-01'],
    ['31-03-25', '2025-03-31'],
    ['2025-03-31', '2025-03-31'],
    ['2025-03-31T00:00:00', '2025-03-31'],
    ['31/03/2025 00:00:00', '2025-03-31'],
    ['5-Jan-24', '2024-01-05'],
    ['05 January 2024', '2024-01-05'],
    ['45747', '2025-03-31'], // Excel's serial number for 31 March 2025
  ]) {
    assert.equal(value(parseDate(text as string)), iso, text);
  }
});

test('says why a date cannot be read', () => {
  assert.equal(reason(parseDate('00:00:00')), 'The date is missing');
  assert.equal(reason(parseDate('')), 'The date is missing');
  assert.match(reason(parseDate('31/02/2025')), /is not a date/);
  assert.match(reason(parseDate('next Tuesday')), /is not a date/);
  assert.match(reason(parseDate('01/01/1850')), /outside the years 1990 to 2100/);
});

test('reads amounts to the penny, credits negative', () => {
  for (const [text, pence] of [
    ['3082.50', 308250],
    ['£1,234.56', 123456],
    ['1500', 150000],
    ['-195.75', -19575],
    ['(195.75)', -19575],
    ['195.75CR', -19575],
    ['195.75-', -19575],
    [' £ 12 ', 1200],
    ['.5', 50],
    ['0.30000000000000004', 30],
    ['14165887.2799999999', 1416588728],
  ]) {
    assert.equal(value(parseAmount(text as string)), pence, text as string);
  }
});

test('says why an amount cannot be read', () => {
  assert.equal(reason(parseAmount('')), 'The amount is missing');
  assert.match(reason(parseAmount('=HYPERLINK("http://x")')), /is not an amount of money/);
  assert.match(reason(parseAmount('12.345')), /fractions of a penny/);
  assert.match(reason(parseAmount('1,2,3')), /is not an amount/);
  assert.match(reason(parseAmount('99999999999999')), /larger than any council payment/);
});

test('finds the Transparency Code columns under their common names', () => {
  assert.deepEqual(
    detectColumns([
      'Body Name',
      'Service Area',
      'Expense Type',
      'Date',
      'Transaction Number',
      'Value £',
      'Supplier Name',
      'Supplier ID',
    ]).mapping,
    {
      bodyName: 0,
      expenseArea: 1,
      expenseType: 2,
      paidOn: 3,
      transactionNumber: 4,
      amount: 5,
      supplierName: 6,
      supplierId: 7,
    },
  );
  // A payment date is preferred to an effective date, wherever the columns stand.
  assert.equal(
    detectColumns(['EffectiveDate', 'PaymentDate', 'Amount', 'BeneficiaryName']).mapping.paidOn,
    1,
  );
});

test('finds columns under misspelt and shortened headings, and says which were near matches', () => {
  // Oxford City heads its expense types "Expenditure Catergory" beside an account code column.
  const oxford = detectColumns([
    'Body Name',
    'Organisational Unit',
    'Expenditure Catergory',
    'Expenditure Code',
    'Paid Date',
    'Trans No',
    'Amount',
    'Supplier Name',
  ]);
  assert.equal(oxford.mapping.expenseType, 2);
  assert.deepEqual(oxford.near, ['expenseType']);
  assert.equal(detectColumns(['Date', 'Amt', 'Supplier', 'Expenditure Cat.']).mapping.expenseType, 3);
  assert.equal(detectColumns(['Date', 'Amount', 'Supplier', 'Exp Type']).mapping.expenseType, 3);
  assert.deepEqual(detectColumns(['Date', 'Amount', 'Supplier', 'Exp Type']).near, []);
  assert.equal(detectColumns(['Date', 'Amt', 'Supplier']).mapping.amount, 1);
  assert.equal(detectColumns(['Date', 'Amount', 'Suplier Name']).mapping.supplierName, 2);
  // Short names are matched exactly only: "Data" is not a date, "Vale" not a value.
  assert.deepEqual(detectColumns(['Data', 'Vale', 'Supplier']).mapping, { supplierName: 2 });
  // Nor does a near match take a column from an exact one: the supplier's ID stays the ID.
  assert.deepEqual(detectColumns(['Supplier ID', 'Supplier Name', 'Amount']).mapping, {
    supplierId: 0,
    supplierName: 1,
    amount: 2,
  });
});

test('knows a redacted payee from a supplier whose name merely looks like one', () => {
  assert.equal(isRedactedName('Redacted personal information'), true);
  assert.equal(isRedactedName('REDACTED'), true);
  assert.equal(isRedactedName('Private Individual'), true);
  assert.equal(isRedactedName('Redactive Events Ltd'), false);
});
