import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { seedDemo } from '../../src/demo/seed.js';
import { InputError } from '../../src/domain/errors.js';
import { importSpendFile } from '../../src/services/import-spend.js';
import { deleteBody } from '../../src/store/bodies.js';
import type { Database } from '../../src/store/db.js';
import { getColumnChoices, listSpendImports } from '../../src/store/spend.js';
import { emptyRegister, forEachDatabase, hasSharedData, sharedData, TESTER } from '../helpers/databases.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-spend-store-'));
after(() => rmSync(work, { recursive: true, force: true }));
const sample = (name: string) => join(sharedData, 'spend-samples', name);
const OXFORD = 'E07000178';

forEachDatabase('spend store', (database) => {
  beforeEach(async () => {
    await emptyRegister(database());
    await seedDemo(database());
  });

  const totals = async () => {
    const [row] = await database().query<{ payments: number; pence: number; cube: number; cubeRows: number }>(
      `SELECT (SELECT count(*)::int FROM payments) AS payments,
              (SELECT coalesce(sum(amount_pence), 0)::int8 FROM payments) AS pence,
              (SELECT coalesce(sum(amount_pence), 0)::int8 FROM spend_cube) AS cube,
              (SELECT coalesce(sum(payments), 0)::int FROM spend_cube) AS "cubeRows"`,
    );
    return row;
  };

  test('stores a real file to the penny, and again adds nothing', { skip: !hasSharedData }, async () => {
    const db = database();
    const first = await importSpendFile(db, TESTER, sample('oxford-city-jul-sep-2017.csv'), {
      bodyCode: OXFORD,
    });
    assert.deepEqual(
      [first.rowsRead, first.accepted, first.duplicates, first.rejected, first.totalPence],
      [3259, 3259, 0, 0, 1_134_400_535],
    );
    assert.deepEqual([first.firstDate, first.lastDate], ['2017-07-04', '2017-09-29']);
    assert.deepEqual(await totals(), {
      payments: 3259,
      pence: 1_134_400_535,
      cube: 1_134_400_535,
      cubeRows: 3259,
    });

    const again = await importSpendFile(db, TESTER, sample('oxford-city-jul-sep-2017.csv'), {
      bodyCode: OXFORD,
    });
    assert.deepEqual([again.accepted, again.duplicates], [0, 3259]);
    assert.deepEqual(await totals(), {
      payments: 3259,
      pence: 1_134_400_535,
      cube: 1_134_400_535,
      cubeRows: 3259,
    });
    assert.deepEqual(
      (await listSpendImports(db, OXFORD)).map((r) => r.id),
      [again.id, first.id],
    );
    // Every payment keeps where it came from.
    const [provenance] = await db.query<{ file: string; row: number }>(
      `SELECT i.file_name AS file, p.row_number AS row FROM payments p JOIN spend_imports i ON i.id = p.import_id
       WHERE p.transaction_number = '1038986 - 2'`,
    );
    assert.deepEqual(provenance, { file: 'oxford-city-jul-sep-2017.csv', row: 2 });

    await deleteBody(db, OXFORD);
    assert.deepEqual(
      await totals(),
      { payments: 0, pence: 0, cube: 0, cubeRows: 0 },
      'a deleted body takes its spend',
    );
  });

  test(
    'the body comes from the file, and an overlapping file adds only what is new',
    { skip: !hasSharedData },
    async () => {
      const db = database();
      const whole = readFileSync(sample('trafford-procurement-card-2025-26.csv'), 'utf8').split('\n');
      const header = whole[0];
      const firstHalf = join(work, 'card-a.csv');
      const overlapping = join(work, 'card-b.csv');
      writeFileSync(firstHalf, [header, ...whole.slice(1, 8001)].join('\n'));
      writeFileSync(overlapping, [header, ...whole.slice(6001)].join('\n'));
      const a = await importSpendFile(db, TESTER, firstHalf, {});
      assert.equal(a.bodyCode, 'E08000009');
      assert.equal(a.accepted, 8000);
      const b = await importSpendFile(db, TESTER, overlapping, {});
      assert.equal(b.accepted + b.duplicates, 14050 - 6000);
      assert.equal(b.duplicates, 2000);
      assert.equal((await totals())?.pence, 348_244_431);
    },
  );

  test('a file that fails part-way stores nothing of itself, whether first or later', async () => {
    const db = database();
    const rows = Array.from({ length: 50_000 }, (_, i) => `02/04/2024,Supplier ${i},${i}.00`).join('\n');
    const broken = writeCsv(
      'broken.csv',
      `Date,Supplier,Amount\n${rows}\n03/04/2024,"Never closed ${'x,'.repeat(17_000_000)}`,
    );
    // A body's first file goes into a table of its own: a failure leaves neither payments nor table.
    await assert.rejects(importSpendFile(db, TESTER, broken, { bodyCode: OXFORD }), InputError);
    assert.deepEqual(await totals(), { payments: 0, pence: 0, cube: 0, cubeRows: 0 });
    assert.equal(await partitionOf(db, OXFORD), null);

    const good = writeCsv('good.csv', 'Date,Supplier,Amount\n01/04/2024,Acme Ltd,100.00\n');
    await importSpendFile(db, TESTER, good, { bodyCode: OXFORD });
    assert.match((await partitionOf(db, OXFORD)) ?? '', /^payments_body_\d+$/);
    const before = await totals();
    await assert.rejects(importSpendFile(db, TESTER, broken, { bodyCode: OXFORD }), InputError);
    assert.deepEqual(await totals(), before);
    assert.equal((await listSpendImports(db, OXFORD)).length, 1);
  });

  test("a body's first file is indexed as it joins payments, and later files go through payments", async () => {
    const db = database();
    const first = writeCsv(
      'first.csv',
      'Date,Supplier,Amount\n01/04/2024,Acme Ltd,100.00\n01/04/2024,Acme Ltd,100.00\n02/05/2024,Bolt plc,7.50\n',
    );
    assert.equal((await importSpendFile(db, TESTER, first, { bodyCode: OXFORD })).accepted, 3);
    const partition = (await partitionOf(db, OXFORD)) as string;
    const indexes = await db.query<{ columns: string; unique: boolean }>(
      `SELECT regexp_replace(pg_get_indexdef(i.indexrelid), '.*\\((.*)\\)', '\\1') AS columns, i.indisunique AS unique
       FROM pg_index i WHERE i.indrelid = $1::regclass ORDER BY 1`,
      [partition],
    );
    assert.deepEqual(indexes, [
      { columns: 'body_id, content_key', unique: true },
      { columns: 'body_id, month', unique: false },
      { columns: 'payee_id', unique: false },
    ]);
    const later = writeCsv(
      'later.csv',
      'Date,Supplier,Amount\n02/05/2024,Bolt plc,7.50\n03/06/2024,Bolt plc,9.00\n',
    );
    const report = await importSpendFile(db, TESTER, later, { bodyCode: OXFORD });
    assert.deepEqual([report.accepted, report.duplicates], [1, 1]);
    assert.deepEqual(await totals(), { payments: 4, pence: 21_650, cube: 21_650, cubeRows: 4 });
  });

  test('content keys are made as earlier versions made them, so payments they stored are recognised', async () => {
    const db = database();
    const path = writeCsv(
      'keys.csv',
      [
        'Date,Supplier,Supplier ID,Transaction Number,Service Area,Expense Type,Purpose,Amount',
        '01/04/2024,Acme Ltd,A1,T-9,Highways,Repairs,Potholes,100.00',
        '02/04/2024,Redacted personal data,,,,,,-7.50',
        '02/04/2024,Redacted personal data,,,,,,-7.50',
      ].join('\n'),
    );
    await importSpendFile(db, TESTER, path, { bodyCode: OXFORD });
    const [body] = await db.query<{ id: number }>('SELECT id FROM bodies WHERE code = $1', [OXFORD]);
    // The key stored since migration 8: SHA-256 over what identifies the payment (not its
    // descriptive columns), its first 8 bytes as a signed integer, plus the count of identical
    // rows before it in the file.
    const key = (fields: unknown[], repeat = 0) =>
      (
        createHash('sha256').update(fields.join('\u0001')).digest().readBigInt64BE(0) + BigInt(repeat)
      ).toString();
    const id = body?.id;
    const held = await db.query<{ key: string }>(
      'SELECT content_key::text AS key FROM payments ORDER BY row_number',
    );
    assert.deepEqual(
      held.map((r) => r.key),
      [
        key([id, '2024-04-01', 10_000, 'Acme Ltd', 'A1', 'T-9']),
        key([id, '2024-04-02', -750, 'Redacted personal data', '', '']),
        key([id, '2024-04-02', -750, 'Redacted personal data', '', ''], 1),
      ],
    );
  });

  test('the same file read with another expense-type column replaces its payments, never adds them', async () => {
    const db = database();
    const path = writeCsv(
      'columns.csv',
      [
        'Date,Supplier,Amount,Expense Type,Cost Centre Name',
        '01/04/2024,Acme Ltd,100.00,Repairs,Highways',
        '02/04/2024,Bolt plc,25.50,Materials,Parks',
        '02/04/2024,Bolt plc,25.50,Materials,Parks',
      ].join('\n'),
    );
    const first = await importSpendFile(db, TESTER, path, { bodyCode: OXFORD });
    const expenseTypes = () =>
      db.query<{ value: string }>(
        `SELECT l.value FROM payments p JOIN spend_labels l ON l.id = p.expense_type_id ORDER BY p.row_number`,
      );
    assert.deepEqual(
      (await expenseTypes()).map((r) => r.value),
      ['Repairs', 'Materials', 'Materials'],
    );
    const second = await importSpendFile(db, TESTER, path, {
      bodyCode: OXFORD,
      columns: { expenseType: 'Cost Centre Name' },
    });
    assert.deepEqual(await totals(), { payments: 3, pence: 15_100, cube: 15_100, cubeRows: 3 });
    assert.deepEqual(
      (await expenseTypes()).map((r) => r.value),
      ['Highways', 'Parks', 'Parks'],
    );
    assert.match(second.notes.join('\n'), new RegExp(`imported before \\(import ${first.id}\\)`));
    const imports = await listSpendImports(db, OXFORD);
    assert.deepEqual(
      imports.map((i) => [i.id, i.replacedBy]),
      [
        [second.id, undefined],
        [first.id, second.id],
      ],
    );
    // Read the same way again, it is held already: nothing replaced, nothing added.
    const third = await importSpendFile(db, TESTER, path, { bodyCode: OXFORD });
    assert.deepEqual([third.accepted, third.duplicates, third.notes], [0, 3, []]);
    assert.deepEqual(await totals(), { payments: 3, pence: 15_100, cube: 15_100, cubeRows: 3 });
  });

  test('a file without dates read again for another month moves its payments', async () => {
    const db = database();
    const path = writeCsv('undated.csv', 'Paid Date,Supplier,Amount\n00:00:00,Acme Ltd,100.00\n');
    await importSpendFile(db, TESTER, path, { bodyCode: OXFORD, undatedMonth: '2014-05' });
    await importSpendFile(db, TESTER, path, { bodyCode: OXFORD, undatedMonth: '2014-06' });
    const months = await db.query<{ month: string }>('SELECT month FROM payments');
    assert.deepEqual(months, [{ month: '2014-06-01' }]);
  });

  test('two imports of one file at once store its payments once', async () => {
    const db = database();
    const rows = Array.from({ length: 3_000 }, (_, i) => `02/04/2024,Supplier ${i % 40},${i}.25`).join('\n');
    const path = writeCsv('twice.csv', `Date,Supplier,Amount\n${rows}\n`);
    const reports = await Promise.all([
      importSpendFile(db, TESTER, path, { bodyCode: OXFORD }),
      importSpendFile(db, TESTER, path, { bodyCode: OXFORD }),
    ]);
    assert.deepEqual(reports.map((r) => r.accepted).sort(), [0, 3_000]);
    assert.deepEqual(reports.map((r) => r.duplicates).sort(), [0, 3_000]);
    assert.equal((await totals())?.payments, 3_000);
  });

  test('rows for another body are refused; redacted payees are kept and counted', async () => {
    const db = database();
    const report = await importSpendFile(
      db,
      TESTER,
      writeCsv(
        'mixed.csv',
        [
          'Body Name,Date,Supplier,Amount',
          'Oxford City Council,01/04/2024,Redacted personal data,600.00',
          'Oxford City Council,01/04/2024,Acme Ltd,100.00',
          'Trafford Council,01/04/2024,Acme Ltd,100.00',
        ].join('\n'),
      ),
      {},
    );
    assert.deepEqual([report.accepted, report.rejected, report.totalPence], [2, 1, 70_000]);
    assert.deepEqual(report.rejections, [
      {
        row: 4,
        field: 'Body Name',
        reason: 'This payment is for "Trafford Council", not Oxford City Council',
      },
    ]);
    const [redacted] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payees WHERE redacted');
    assert.equal(redacted?.n, 1);
  });

  test('columns chosen for a body are used for its next file where they still fit', async () => {
    const db = database();
    const a = writeCsv(
      'a.csv',
      'Invoice Date,Paid On,Supplier,Net,Gross\n01/04/2024,05/04/2024,Acme,100,120\n',
    );
    const report = await importSpendFile(db, TESTER, a, { bodyCode: OXFORD, columns: { amount: 'Gross' } });
    assert.equal(report.totalPence, 12_000);
    assert.deepEqual(await getColumnChoices(db, OXFORD), { amount: 'Gross' });
    const b = writeCsv('b.csv', 'Paid On,Supplier,Net,Gross\n06/04/2024,Acme,200,240\n');
    assert.equal((await importSpendFile(db, TESTER, b, { bodyCode: OXFORD })).totalPence, 24_000);
    // A later layout without that heading falls back to what is detected.
    const c = writeCsv('c.csv', 'Payment Date,Supplier,Amount\n07/04/2024,Acme,300\n');
    assert.equal((await importSpendFile(db, TESTER, c, { bodyCode: OXFORD })).totalPence, 30_000);
  });
});

/** The table holding a body's payments, if it has one. */
async function partitionOf(db: Database, code: string): Promise<string | null> {
  const [row] = await db.query<{ name: string | null }>(
    `SELECT to_regclass('payments_body_' || id)::text AS name FROM bodies WHERE code = $1`,
    [code],
  );
  return row?.name ?? null;
}

function writeCsv(name: string, content: string) {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}
