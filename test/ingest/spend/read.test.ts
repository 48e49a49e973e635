import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { InputError } from '../../../src/domain/errors.js';
import type { Rejection, SpendRow } from '../../../src/domain/spend.js';
import { openSpendFile, type ReadOptions } from '../../../src/ingest/spend/read.js';
import { needsSharedData, sharedData } from '../../helpers/databases.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-spend-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function readAll(path: string, options?: ReadOptions) {
  const { layout, batches } = await openSpendFile(path, options);
  const payments: SpendRow[] = [];
  const rejected: Rejection[] = [];
  const notes: string[] = [];
  for await (const batch of batches) {
    for (const item of batch) {
      if (item.kind === 'payment') payments.push(item.payment);
      else if (item.kind === 'rejected') rejected.push(item.rejection);
      else notes.push(`${item.row}: ${item.note}`);
    }
  }
  const total = payments.reduce((sum, p) => sum + p.amountPence, 0);
  return { layout, payments, rejected, notes, total };
}

function file(name: string, content: string | Buffer) {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

/** Pence from the raw Amount column, summed as whole pence by a different reader than the product's. */
function independentTotal(path: string, column: string) {
  const rows = parse(readFileSync(path), { columns: true, bom: true }) as Record<string, string>[];
  const pence = rows.reduce((sum, r) => sum + Math.round(Number(r[column]) * 100), 0);
  return { rows: rows.length, pence };
}

const samples = [
  // file, amount column, published rows and total (pence), options
  ['oxford-city-apr-jun-2014.csv', 'Amount', 1_416_588_728, { undatedMonth: '2014-06' }],
  ['oxford-city-jul-sep-2017.csv', 'Amount', 1_134_400_535, {}],
  ['trafford-procurement-card-2025-26.csv', 'Amount', 348_244_431, {}],
  ['trafford-supplier-spend-2026-27.csv', 'Amount', 9_589_694_189, {}],
  ['trafford-supplier-spend-2024-25.csv', 'Amount', 56_521_957_374, {}],
] as const;

for (const [name, column, publishedTotal, options] of samples) {
  test(`reads every payment of the real file ${name}`, needsSharedData, async () => {
    const path = join(sharedData, 'spend-samples', name);
    const { payments, rejected, total } = await readAll(path, options);
    const expected = independentTotal(path, column);
    assert.deepEqual(rejected, []);
    assert.equal(payments.length, expected.rows);
    assert.equal(total, expected.pence);
    assert.equal(total, publishedTotal, 'the total the README gives');
  });
}

test('reads every payment of our own published-style file, to the penny', async () => {
  const path = new URL('../../fixtures/spend/anytown-2025-q1.csv', import.meta.url).pathname;
  const { layout, payments, rejected, notes, total } = await readAll(path);
  assert.equal(layout.headerRow, 4, 'below two title rows and a blank one');
  assert.deepEqual(rejected, []);
  assert.equal(payments.length, 12);
  assert.equal(total, 7_605_132, 'the total its own total row gives: £76,051.32');
  assert.deepEqual(notes, ['17: a total row, not a payment: ignored']);
  assert.deepEqual(
    payments.filter((p) => p.redacted).map((p) => p.row),
    [7],
  );
  const credit = payments.find((p) => p.row === 11);
  assert.deepEqual(
    [credit?.paidOn, credit?.amountPence, credit?.supplierName],
    ['2025-05-09', -45_000, 'Crane Hire Co'],
  );
  assert.equal(payments.find((p) => p.row === 6)?.supplierName, 'Bolt, Nut & Fixings plc');
});

test(
  'keeps what matters from a real file: dates, credits, identifiers and redactions',
  needsSharedData,
  async () => {
    const { payments, layout } = await readAll(
      join(sharedData, 'spend-samples', 'trafford-supplier-spend-2026-27.csv'),
    );
    assert.equal(layout.header[layout.mapping.paidOn as number], 'PaymentDate');
    const first = payments[0] as SpendRow;
    assert.deepEqual(
      { ...first },
      {
        row: 2,
        paidOn: '2026-05-29',
        month: '2026-05-01',
        amountPence: 74250,
        supplierName: 'VLC (Stairlifts) Limited',
        redacted: false,
        bodyName: 'Trafford Council',
        supplierId: '3536',
        vatNumber: 'GB812311285',
        companyNumber: undefined,
        charityNumber: undefined,
        transactionNumber: '5100509851',
        expenseArea: 'LIFT REPAIRS & MTCE',
        expenseType: undefined,
        expenseCode: undefined,
        purpose: 'CLIENTS LIFT REP & M - Service Charges 30/04/2026',
        categoryCode: '191400',
        categoryLabel: 'FACILITIES MGT : Lifts',
      },
    );
    assert.ok(
      payments.some((p) => p.amountPence < 0),
      'cash discounts are negative',
    );
    assert.ok(payments.some((p) => p.redacted && p.supplierName === 'Redacted'));
  },
);

test(
  'the 2014 Oxford file lost its dates: refused row by row unless the month is given',
  needsSharedData,
  async () => {
    const path = join(sharedData, 'spend-samples', 'oxford-city-apr-jun-2014.csv');
    const { payments, rejected } = await readAll(path);
    assert.equal(payments.length, 0);
    assert.deepEqual(rejected[0], { row: 2, field: 'Paid Date', reason: 'The date is missing' });
    const dated = await readAll(path, { undatedMonth: '2014-06' });
    assert.equal(dated.payments[0]?.month, '2014-06-01');
    assert.equal(dated.payments[0]?.paidOn, undefined);
  },
);

test('finds the header below title rows, in Windows-1252 with semicolons, and ignores a total row', async () => {
  const content = Buffer.from(
    [
      'Example Borough Council',
      'Payments over £500, March 2025',
      '',
      'Date;Supplier;Expense Type;Amount',
      '03/03/2025;Café Nero Ltd;Catering;"1.234,00"',
      '04/03/2025;"Smith & Sons\nBuilders";Repairs;(250.00)',
      '05/03/2025;Acme;Repairs;12.00',
      ';;Total;996.00',
    ].join('\r\n'),
    'latin1',
  );
  const { layout, payments, rejected, notes } = await readAll(file('titled.csv', content));
  assert.equal(layout.encoding, 'windows-1252');
  assert.equal(layout.delimiter, ';');
  assert.equal(layout.headerRow, 4);
  assert.deepEqual(
    payments.map((p) => [p.row, p.supplierName, p.amountPence]),
    [
      [6, 'Smith & Sons Builders', -25000],
      [7, 'Acme', 1200],
    ],
  );
  assert.deepEqual(rejected, [{ row: 5, field: 'Amount', reason: '"1.234,00" is not an amount of money' }]);
  assert.deepEqual(notes, ['8: a total row, not a payment: ignored']);
});

test('a file plain ASCII for its first 64 kB is read in the encoding its later characters show', async () => {
  const plain = Array.from({ length: 2_000 }, (_, i) => `01/04/2024,Supplier ${i} Limited,Repairs,${i}.00`);
  const content = ['Date,Supplier,Purpose,Amount', ...plain, '02/04/2024,Café Crème Ltd,£500 deposit,500.00'];
  for (const encoding of ['latin1', 'utf8'] as const) {
    const path = file(`late-${encoding}.csv`, Buffer.from(content.join('\r\n'), encoding));
    const { layout, payments, rejected } = await readAll(path);
    assert.equal(layout.encoding, encoding === 'latin1' ? 'windows-1252' : 'utf-8');
    assert.deepEqual([payments.length, rejected], [2_001, []]);
    const last = payments.at(-1);
    assert.deepEqual(
      [last?.row, last?.supplierName, last?.purpose],
      [2_002, 'Café Crème Ltd', '£500 deposit'],
    );
  }
});

test('rejects bad rows by row and column, and keeps reading', async () => {
  const path = file(
    'bad-rows.csv',
    [
      '\uFEFFPayment Date,Supplier Name,Amount',
      '01/04/2024,Good Supplier,100.00',
      '31/04/2024,Bad Date Ltd,100.00',
      '02/04/2024,=HYPERLINK("http://evil"),abc',
      '03/04/2024,Ragged Ltd,1.00,extra,cells',
      '04/04/2024,Also Good,-5',
    ].join('\n'),
  );
  const { payments, rejected } = await readAll(path);
  assert.deepEqual(
    payments.map((p) => p.supplierName),
    ['Good Supplier', 'Also Good'],
  );
  assert.deepEqual(rejected, [
    {
      row: 3,
      field: 'Payment Date',
      reason: '"31/04/2024" is not a date (expected day/month/year, like 31/03/2025)',
    },
    { row: 4, field: 'Amount', reason: '"abc" is not an amount of money' },
    { row: 5, field: '(whole row)', reason: 'The row has 5 cells where the header has 3' },
  ]);
});

test('a payee not given is withheld, placeholders elsewhere mean nothing, identifiers stay as written', async () => {
  const path = file(
    'placeholders.csv',
    [
      'Payment Date,Supplier Name,Supplier ID,Transaction Number,Amount,Expense Type,VAT Registration Number',
      '01/04/2024,N/A,N/A,-,"25,000.00",N/A,NA',
      '02/04/2024,,S1,T2,100.00,Repairs,-',
      '03/04/2024,#N/A,S2,T3,200.00,None,GB123456789',
      '04/04/2024,Nash Associates,S3,T4,300.00,Repairs,',
    ].join('\n'),
  );
  const { payments, rejected } = await readAll(path);
  assert.deepEqual(rejected, []);
  assert.deepEqual(
    payments.map((p) => [
      p.supplierName,
      p.redacted,
      p.supplierId,
      p.transactionNumber,
      p.expenseType,
      p.vatNumber,
    ]),
    [
      ['N/A', true, 'N/A', '-', undefined, undefined],
      ['', true, 'S1', 'T2', 'Repairs', undefined],
      ['#N/A', true, 'S2', 'T3', undefined, 'GB123456789'],
      ['Nash Associates', false, 'S3', 'T4', 'Repairs', undefined],
    ],
  );
});

test('quotes as people write them: inner quotes kept, a quote that swallows lines refused, line ends mixed', async () => {
  const inner = await readAll(
    file(
      'inner-quotes.csv',
      'Date,Supplier,Amount\r\n01/04/2024,"Smith "Joinery" Ltd",100\r\n02/04/2024,Fine Ltd,2\n',
    ),
  );
  assert.deepEqual(
    inner.payments.map((p) => [p.row, p.supplierName, p.amountPence]),
    [
      [2, 'Smith "Joinery" Ltd', 10_000],
      [3, 'Fine Ltd', 200],
    ],
  );
  assert.deepEqual(inner.layout.header, ['Date', 'Supplier', 'Amount']);
  const swallowing = await readAll(
    file(
      'swallowing.csv',
      'Date,Supplier,Amount\n01/04/2024,"Acme"x,100\n02/04/2024,Fine,2\n03/04/2024,"Ok",3\n04/04/2024,After,4\n',
    ),
  );
  assert.deepEqual(swallowing.rejected, [
    {
      row: 2,
      field: '(whole row)',
      reason:
        "A quote in this row is not closed where it should be, so the file's next 2 lines were read into this row: correct the quotes and import the file again",
    },
  ]);
  assert.deepEqual(
    swallowing.payments.map((p) => p.supplierName),
    ['After'],
  );
});

test('a 10 MB field is one rejected row, not a crash', async () => {
  const path = file(
    'huge.csv',
    `Date,Supplier,Amount\n01/04/2024,"${'x'.repeat(10_000_000)}",1\n02/04/2024,Fine Ltd,2\n`,
  );
  const { payments, rejected } = await readAll(path);
  assert.deepEqual(
    payments.map((p) => p.supplierName),
    ['Fine Ltd'],
  );
  assert.deepEqual(rejected, [
    { row: 2, field: 'Supplier', reason: 'The value is longer than 100,000 characters' },
  ]);
});

test('a quote left open is refused with the row it starts in', async () => {
  const path = file(
    'open-quote.csv',
    `Date,Supplier,Amount\n01/04/2024,Fine Ltd,2\n02/04/2024,"Open ${'x,'.repeat(17_000_000)}`,
  );
  await assert.rejects(readAll(path), (error: InputError) => {
    assert.deepEqual(error.problems, [
      {
        row: 3,
        field: '(whole row)',
        message: 'Close the quote that opens in this row, then import the file again',
      },
    ]);
    return true;
  });
});

test('refuses files that are not spend files, naming the file', async () => {
  const refused = async (name: string, content: string | Buffer, message: RegExp) => {
    await assert.rejects(openSpendFile(file(name, content)), (error: InputError) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.file, name);
      assert.match(error.message, message);
      return true;
    });
  };
  await refused('empty.csv', '', /The file is empty/);
  await refused('header-only.csv', 'Date,Supplier,Amount\n', /no payments/);
  await refused('picture.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), /binary/);
  await refused('book.xlsx', Buffer.from('PK\x03\x04rest-of-zip'), /The workbook cannot be read/);
  await refused('minutes.csv', 'Agenda item,Decision\n1,Agreed\n', /No header row found/);
  await assert.rejects(
    openSpendFile(file('no-date.csv', 'Supplier,Amount,Notes\nAcme,1,\n')),
    (error: InputError) => {
      assert.deepEqual(error.problems, [
        { row: 1, field: 'Payment date', message: 'No column for this; name the column that holds it' },
      ]);
      return true;
    },
  );
});

test('a column chosen by a person wins over the one detected', async () => {
  const path = file(
    'chosen.csv',
    'Invoice Date,Paid On,Supplier,Net,Gross\n01/04/2024,05/04/2024,Acme,100,120\n',
  );
  const detected = await readAll(path);
  assert.deepEqual([detected.payments[0]?.paidOn, detected.payments[0]?.amountPence], ['2024-04-05', 10000]);
  const chosen = await readAll(path, { columns: { paidOn: 'Invoice Date', amount: 'Gross' } });
  assert.deepEqual([chosen.payments[0]?.paidOn, chosen.payments[0]?.amountPence], ['2024-04-01', 12000]);
  await assert.rejects(openSpendFile(path, { columns: { amount: 'Nett' } }), /not all in the file/);
});

test('fuzz: generated broken files never crash the reader', async () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pieces = [
    'Date',
    'Amount',
    'Supplier',
    '"',
    ',',
    '\n',
    '\r\n',
    ';',
    '01/02/2024',
    '£1,000',
    '(5)',
    'é',
    '\u0000',
    '=1+1',
    ' ',
    'x',
  ];
  for (let i = 0; i < 200; i++) {
    let text = 'Date,Supplier,Amount\n';
    const length = Math.floor(random() * 400);
    for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)];
    const path = file(`fuzz-${i}.csv`, text);
    try {
      await readAll(path);
    } catch (error) {
      assert.ok(error instanceof InputError, `fuzz-${i}.csv threw ${(error as Error).stack}`);
    }
  }
});

test('reads an XLSX workbook: title rows, a formula, dates as dates and as serials', async () => {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Notes').addRow(['This workbook lists payments over £500']);
  const sheet = workbook.addWorksheet('Payments');
  sheet.addRow(['Example Borough Council: payments over £500']);
  sheet.addRow([]);
  sheet.addRow(['Payment Date', 'Supplier Name', 'Expense Type', 'Amount']);
  sheet.addRow([new Date(Date.UTC(2025, 2, 31)), 'Acme Ltd', 'Repairs', 1234.56]);
  sheet.addRow([45747, 'Redacted', 'Care', -50]);
  sheet.addRow([
    '01/04/2025',
    { richText: [{ text: 'Rich ' }, { text: 'Text Ltd' }] },
    'IT',
    { formula: 'D4*2', result: 2469.12 },
  ]);
  const path = join(work, 'payments.xlsx');
  await workbook.xlsx.writeFile(path);

  const { layout, payments, rejected } = await readAll(path, { sheet: 'Payments' });
  assert.deepEqual([layout.format, layout.sheet, layout.headerRow], ['xlsx', 'Payments', 3]);
  assert.deepEqual(rejected, []);
  assert.deepEqual(
    payments.map((p) => [p.row, p.paidOn, p.supplierName, p.amountPence, p.redacted]),
    [
      [4, '2025-03-31', 'Acme Ltd', 123456, false],
      [5, '2025-03-31', 'Redacted', -5000, true],
      [6, '2025-04-01', 'Rich Text Ltd', 246912, false],
    ],
  );
  // Without a sheet named, the first sheet with rows is read, and it has no payments.
  await assert.rejects(openSpendFile(path), /The file has no payments in it/);
});

test('a real file saved as XLSX reads to the same payments as the CSV', needsSharedData, async () => {
  const csvPath = join(sharedData, 'spend-samples', 'oxford-city-jul-sep-2017.csv');
  const rows = parse(readFileSync(csvPath), { bom: true }) as string[][];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  for (const [i, row] of rows.entries())
    sheet.addRow(i === 0 ? row : row.map((v, c) => (c === 5 ? Number(v) : v)));
  const path = join(work, 'oxford.xlsx');
  await workbook.xlsx.writeFile(path);
  const fromXlsx = await readAll(path);
  const fromCsv = await readAll(csvPath);
  assert.equal(fromXlsx.payments.length, 3259);
  assert.equal(fromXlsx.total, 1_134_400_535);
  assert.deepEqual(
    fromXlsx.payments.map((p) => [p.row, p.paidOn, p.supplierName, p.amountPence]),
    fromCsv.payments.map((p) => [p.row, p.paidOn, p.supplierName, p.amountPence]),
  );
});
