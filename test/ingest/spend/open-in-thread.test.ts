import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import ExcelJS from 'exceljs';
import { InputError } from '../../../src/domain/errors.js';
import { ColumnChoiceError, type SpendItem } from '../../../src/domain/spend.js';
import { BatchPacker, BatchUnpacker } from '../../../src/ingest/spend/batch-transfer.js';
import { openSpendFile, type ReadOptions } from '../../../src/ingest/spend/read.js';
import { openSpendFileHere, openSpendFileInWorker } from '../../../src/ingest/spend/open-in-thread.js';
import { needsSharedData, sharedData } from '../../helpers/databases.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-spend-worker-'));
after(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, content: string) {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

/** The layout and every item, read on this thread and in a worker. */
async function bothWays(path: string, options: ReadOptions = {}) {
  const here = await openSpendFile(path, options);
  const items: SpendItem[] = [];
  for await (const batch of here.batches) items.push(...batch);
  const reader = await openSpendFileInWorker(path, options);
  const fromWorker: SpendItem[] = [];
  try {
    for await (const batch of reader.batches) fromWorker.push(...batch);
  } finally {
    await reader.close();
  }
  return { here: { layout: here.layout, items }, worker: { layout: reader.layout, items: fromWorker } };
}

test('a real file reads the same in a worker as on this thread', needsSharedData, async () => {
  const { here, worker } = await bothWays(
    join(sharedData, 'spend-samples', 'trafford-supplier-spend-2024-25.csv'),
  );
  assert.equal(here.items.length, 210_068);
  assert.deepEqual(worker, here);
});

test('rejections, notes and an XLSX workbook read the same in a worker', async () => {
  const csv = file(
    'mixed.csv',
    [
      'Spend over £500',
      'Date,Supplier,Supplier ID,Service,Amount',
      '01/04/2024,Acme Ltd,A1,Highways,100.00',
      '31/02/2024,Acme Ltd,A1,Highways,100.00',
      '02/04/2024,Redacted,,Highways,not money',
      '03/04/2024,,,,(12.50)',
      'Total,,,,87.50',
    ].join('\n'),
  );
  const mixed = await bothWays(csv);
  assert.deepEqual(
    mixed.worker.items.map((item) => item.kind),
    ['payment', 'rejected', 'rejected', 'payment', 'note'],
  );
  assert.deepEqual(mixed.worker, mixed.here);

  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Payments');
  sheet.addRow(['Date', 'Supplier', 'Amount']);
  sheet.addRow([new Date(Date.UTC(2024, 3, 1)), 'Acme Ltd', 100]);
  sheet.addRow([45_383, 'Bolt plc', 7.5]);
  const xlsx = join(work, 'payments.xlsx');
  await workbook.xlsx.writeFile(xlsx);
  const book = await bothWays(xlsx);
  assert.equal(book.worker.items.length, 2);
  assert.deepEqual(book.worker, book.here);
});

test('a worker refuses a file with the same errors, found early or late', async () => {
  const refusal = async (path: string, options: ReadOptions = {}) => {
    try {
      const reader = await openSpendFileInWorker(path, options);
      try {
        for await (const batch of reader.batches) void batch;
      } finally {
        await reader.close();
      }
    } catch (error) {
      return error;
    }
    assert.fail(`${path} was not refused`);
  };
  const empty = await refusal(file('empty.csv', ''));
  assert.ok(empty instanceof InputError);
  assert.deepEqual([empty.message, empty.file], ['The file is empty', 'empty.csv']);

  const chosen = await refusal(file('nett.csv', 'Date,Supplier,Amount\n01/04/2024,Acme,1\n'), {
    columns: { amount: 'Nett' },
  });
  assert.ok(chosen instanceof ColumnChoiceError);
  assert.deepEqual(chosen.header, ['Date', 'Supplier', 'Amount']);
  assert.equal(chosen.mapping.supplierName, 1);
  assert.deepEqual(chosen.problems, [{ row: 1, field: 'Amount', message: 'There is no column "Nett"' }]);

  // A quote left open past 32 MB is found only once the rows before it have been handed on.
  const rows = Array.from({ length: 20_000 }, (_, i) => `02/04/2024,Supplier ${i},${i}.00`).join('\n');
  const open = await refusal(
    file('open.csv', `Date,Supplier,Amount\n${rows}\n03/04/2024,"Never closed ${'x,'.repeat(17_000_000)}`),
  );
  assert.ok(open instanceof InputError);
  assert.match(open.message, /A quote opened in row \d+ is never closed/);
  assert.equal(open.problems[0]?.row, 20_002);

  // Held open by millions of escaped quotes, too many to list within the reader's memory.
  const quotes = await refusal(
    file('quotes.csv', `Date,Supplier,Amount\n01/04/2024,"Never closed ${'""'.repeat(17_000_000)}`),
  );
  assert.ok(quotes instanceof InputError);
  assert.match(quotes.message, /A quote opened in row 2 is never closed, so the rest of the file is read/);

  // Swallowing blank lines: each is a line swallowed, though only white space.
  const blank = await refusal(
    file('blank.csv', `Date,Supplier,Amount\n01/04/2024,"Never closed${'\n'.repeat(41)}`),
  );
  assert.ok(blank instanceof InputError);
  assert.match(blank.message, /A quote opened in row 2 is never closed, so the 40 lines after it are read/);
});

test('a reader read to the end, refused, or closed unread leaves no worker running', async () => {
  const workers = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
  const before = workers();
  const rows = Array.from({ length: 50_000 }, (_, i) => `02/04/2024,Supplier ${i},${i}.00`).join('\n');
  const path = file('workers.csv', `Date,Supplier,Amount\n${rows}\n`);

  const unread = await openSpendFileInWorker(path);
  assert.equal(workers(), before + 1);
  await unread.close();
  assert.equal(workers(), before);

  const read = await openSpendFileInWorker(path);
  let payments = 0;
  for await (const batch of read.batches) payments += batch.length;
  assert.equal(payments, 50_000);
  assert.equal(workers(), before);

  await assert.rejects(openSpendFileInWorker(file('no-header.csv', 'a,b\n1,2\n')), InputError);
  assert.equal(workers(), before);
});

test("a command's reader reads a CSV on its own thread and a workbook on a worker", async () => {
  const workers = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
  const before = workers();
  const rows = Array.from({ length: 20_000 }, (_, i) => `02/04/2024,Supplier ${i % 7},${i}.50`).join('\n');
  const path = file('here.csv', `Date,Supplier,Amount\n${rows}\n`);
  const here = await openSpendFileHere(path);
  assert.equal(workers(), before, 'no worker for a CSV');
  const items: SpendItem[] = [];
  for await (const batch of here.batches) items.push(...batch);
  await here.close();
  const { worker } = await bothWays(path);
  assert.deepEqual({ layout: here.layout, items }, worker);

  // Closed part-way, twice: the file is let go and nothing more is read.
  const partWay = await openSpendFileHere(path);
  await partWay.batches.next();
  await partWay.close();
  await partWay.close();
  assert.equal((await partWay.batches.next()).done, true);

  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Payments').addRows([
    ['Date', 'Supplier', 'Amount'],
    [new Date(Date.UTC(2024, 3, 1)), 'Acme Ltd', 100],
  ]);
  const xlsx = join(work, 'here.xlsx');
  await workbook.xlsx.writeFile(xlsx);
  const book = await openSpendFileHere(xlsx);
  assert.equal(workers(), before + 1, 'a workbook is unzipped on a worker');
  await book.close();
  assert.equal(workers(), before);
});

test('packed batches unpack to the same items, across the text table starting afresh', () => {
  const payment = (i: number) => ({
    kind: 'payment' as const,
    payment: {
      row: i + 2,
      paidOn: '2024-04-01',
      month: '2024-04-01',
      amountPence: i % 2 ? -(2 ** 40) - i : i,
      supplierName: i % 3 ? `Supplier ${i % 7}` : '',
      redacted: i % 5 === 0,
      bodyName: undefined,
      supplierId: `S${i}`,
      vatNumber: undefined,
      companyNumber: undefined,
      charityNumber: undefined,
      transactionNumber: i % 4 ? `T${i}` : undefined,
      expenseArea: 'Highways',
      expenseType: undefined,
      expenseCode: i % 2 ? `E${i % 3}` : undefined,
      purpose: `Purpose ${i}`,
      categoryCode: '123',
      categoryLabel: undefined,
    },
  });
  const batches: SpendItem[][] = [0, 1, 2].map((b) => [
    ...Array.from({ length: 30 }, (_, i) => payment(b * 30 + i)),
    { kind: 'rejected', rejection: { row: 1000 + b, field: 'Amount', reason: 'not money' } },
    { kind: 'note', row: 2000 + b, note: 'a total row, not a payment: ignored' },
  ]);
  const packer = new BatchPacker(80);
  const unpacker = new BatchUnpacker();
  const packed = batches.map((items) => packer.pack(items).batch);
  // Some 70 texts in the first batch, 60 new in the second, against a limit of 80: the third starts afresh.
  assert.deepEqual(
    packed.map((b) => b.fresh),
    [true, false, true],
  );
  assert.deepEqual(
    packed.map((b) => unpacker.unpack(structuredClone(b))),
    batches,
  );
});
