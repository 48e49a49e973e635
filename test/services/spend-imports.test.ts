import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { seedDemo } from '../../src/demo/seed.js';
import { adviceForRefusedFile } from '../../src/domain/spend.js';
import { importSpendFile, undoSpendImport } from '../../src/services/import-spend.js';
import type { Database } from '../../src/store/db.js';
import { importSpend, SameFileOtherBodyError } from '../../src/services/store-spend.js';
import { refreshSpendAnalysis } from '../../src/services/spend-analysis.js';
import type { SpendItem } from '../../src/domain/spend.js';
import { allRejections, listSpendImports } from '../../src/store/spend.js';
import { emptyRegister, forEachDatabase, TESTER } from '../helpers/databases.js';
import { writeSpendFile } from '../helpers/factories.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-spend-imports-'));
after(() => rmSync(work, { recursive: true, force: true }));
const OXFORD = 'E07000178';
const TRAFFORD = 'E08000009';
const ACME_APRIL = { date: '01/04/2024', supplier: 'Acme Ltd', amount: '100.00' };

function writeCsv(name: string, content: string) {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

/** What every report reads, beside what is stored: they must always agree. */
async function held(db: Database, code: string) {
  const [row] = await db.query<{
    payments: number;
    pence: number;
    cube: number;
    analysis: number;
    suppliers: number;
  }>(
    `WITH b AS (SELECT id FROM bodies WHERE code = $1)
     SELECT (SELECT count(*)::int FROM payments WHERE body_id = (SELECT id FROM b)) AS payments,
       (SELECT coalesce(sum(amount_pence), 0)::int8 FROM payments WHERE body_id = (SELECT id FROM b)) AS pence,
       (SELECT coalesce(sum(amount_pence), 0)::int8 FROM spend_cube WHERE body_id = (SELECT id FROM b)) AS cube,
       (SELECT coalesce(sum(amount_pence), 0)::int8 FROM analysis_cube WHERE body_id = (SELECT id FROM b)) AS analysis,
       (SELECT count(*)::int FROM suppliers WHERE spend_pence <> 0) AS suppliers`,
    [code],
  );
  return row;
}

forEachDatabase('spend imports: undoing, failing, the wrong body', (database) => {
  beforeEach(async () => {
    await emptyRegister(database());
    await seedDemo(database());
  });

  test('undoing an import removes its payments and their part in every report, and is recorded', async () => {
    const db = database();
    const april = writeSpendFile(work, 'april.csv', [
      { date: '01/04/2024', supplier: 'Acme Ltd', amount: '100.00' },
      { date: '02/04/2024', supplier: 'Bolt plc', amount: '50.00' },
    ]);
    const overlap = writeSpendFile(work, 'overlap.csv', [
      { date: '02/04/2024', supplier: 'Bolt plc', amount: '50.00' },
      { date: '03/05/2024', supplier: 'Crane Co', amount: '25.00' },
    ]);
    const first = await importSpendFile(db, TESTER, april, { bodyCode: OXFORD });
    const second = await importSpendFile(db, TESTER, overlap, { bodyCode: OXFORD });
    assert.deepEqual(await held(db, OXFORD), {
      payments: 3,
      pence: 17_500,
      cube: 17_500,
      analysis: 17_500,
      suppliers: 3,
    });

    await undoSpendImport(db, TESTER, OXFORD, second.id);
    assert.deepEqual(await held(db, OXFORD), {
      payments: 2,
      pence: 15_000,
      cube: 15_000,
      analysis: 15_000,
      suppliers: 2,
    });
    assert.deepEqual(
      (await listSpendImports(db, OXFORD)).map((i) => i.id),
      [first.id],
    );

    await undoSpendImport(db, TESTER, OXFORD, first.id);
    assert.deepEqual(await held(db, OXFORD), { payments: 0, pence: 0, cube: 0, analysis: 0, suppliers: 0 });
    const [audit] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE record_type = 'spend_import' AND action = 'delete'`,
    );
    assert.equal(audit?.n, 2);

    // An emptied body takes its next file as a first one.
    assert.equal((await importSpendFile(db, TESTER, april, { bodyCode: OXFORD })).accepted, 2);
    assert.deepEqual(await held(db, OXFORD), {
      payments: 2,
      pence: 15_000,
      cube: 15_000,
      analysis: 15_000,
      suppliers: 2,
    });
  });

  test('a file of our own making is stored to the penny, in payments and every report', async () => {
    const db = database();
    const path = new URL('../fixtures/spend/anytown-2025-q1.csv', import.meta.url).pathname;
    const report = await importSpendFile(db, TESTER, path, { bodyCode: OXFORD });
    assert.deepEqual([report.accepted, report.rejected, report.totalPence], [12, 0, 7_605_132]);
    assert.deepEqual([report.firstDate, report.lastDate], ['2025-04-01', '2025-06-30']);
    assert.deepEqual(await held(db, OXFORD), {
      payments: 12,
      pence: 7_605_132,
      cube: 7_605_132,
      analysis: 7_605_132,
      // Acme's two spellings are one supplier, and the redacted payee is none: 7 of 9 names.
      suppliers: 7,
    });
  });

  test('a body’s real spend replaces the demo’s synthetic spend, and only that body’s', async () => {
    const db = database();
    for (const code of [OXFORD, TRAFFORD]) {
      await importSpend(
        db,
        {
          file: 'Synthetic demo spend (generated, not real payments)',
          sha256: `synthetic spend for ${code}`,
          synthetic: true,
          layout: { file: 'synthetic', format: 'csv', headerRow: 1, header: [], mapping: {} },
          batches: (async function* () {
            yield [
              {
                kind: 'payment',
                payment: {
                  row: 2,
                  paidOn: '2024-04-01',
                  month: '2024-04-01',
                  amountPence: 900_000,
                  supplierName: 'Generated Supplier Ltd',
                  redacted: false,
                },
              },
            ] satisfies SpendItem[];
          })(),
        },
        { bodyCode: code },
      );
    }
    await refreshSpendAnalysis(db);
    const real = writeSpendFile(work, 'real.csv', [ACME_APRIL]);
    await importSpendFile(db, TESTER, real, { bodyCode: OXFORD });
    assert.deepEqual(await held(db, OXFORD), {
      payments: 1,
      pence: 10_000,
      cube: 10_000,
      analysis: 10_000,
      suppliers: 2,
    });
    assert.equal((await held(db, TRAFFORD))?.pence, 900_000, 'another body keeps its demo spend');
    assert.deepEqual(
      (await listSpendImports(db, OXFORD)).map((i) => i.file),
      ['real.csv'],
    );
    const [audit] = await db.query<{ record_name: string }>(
      `SELECT record_name FROM audit_events WHERE action = 'delete' AND record_type = 'spend_import'`,
    );
    assert.match(audit?.record_name ?? '', /^Synthetic demo spend .* replaced by real\.csv$/);
  });

  test('undoing a second reading of a file takes the reading it replaced with it', async () => {
    const db = database();
    const path = writeCsv(
      'reread.csv',
      'Date,Supplier,Amount,Type,Area\n01/04/2024,Acme Ltd,100.00,Repairs,Parks\n',
    );
    await importSpendFile(db, TESTER, path, { bodyCode: OXFORD });
    const second = await importSpendFile(db, TESTER, path, {
      bodyCode: OXFORD,
      columns: { expenseType: 'Area' },
    });
    await undoSpendImport(db, TESTER, OXFORD, second.id);
    assert.deepEqual(await listSpendImports(db, OXFORD), [], 'no reading left standing without its payments');
    assert.equal((await held(db, OXFORD))?.payments, 0);
  });

  test('an import is undone only through its own body', async () => {
    const db = database();
    const path = writeSpendFile(work, 'own.csv', [ACME_APRIL]);
    const report = await importSpendFile(db, TESTER, path, { bodyCode: OXFORD });
    await assert.rejects(undoSpendImport(db, TESTER, TRAFFORD, report.id), { name: 'NotFoundError' });
    assert.equal((await held(db, OXFORD))?.payments, 1);
  });

  test('a file none of whose rows can be stored is a failed import, with every refused row kept', async () => {
    const db = database();
    const rows = Array.from({ length: 1_500 }, (_, i) => `00:00:00,Supplier ${i},${i + 1}.00`);
    const path = writeCsv('no-dates.csv', `Paid Date,Supplier,Amount\n${rows.join('\n')}\n`);
    const report = await importSpendFile(db, TESTER, path, { bodyCode: OXFORD });
    assert.deepEqual([report.failed, report.accepted, report.rejected], [true, 0, 1_500]);
    assert.equal(report.rejections.length, 100);
    assert.match(adviceForRefusedFile(report.rejections), /Give the month the payments were made/);
    const all = await allRejections(db, report.id);
    assert.equal(all.length, 1_500);
    assert.deepEqual(all[1_499], { row: 1_501, field: 'Paid Date', reason: 'The date is missing' });
    assert.equal((await held(db, OXFORD))?.payments, 0);
    assert.deepEqual(
      (await listSpendImports(db, OXFORD)).map((i) => i.failed),
      [true],
    );

    // Given the month, the same file is read and stored, and the failure stays behind as history.
    const fixed = await importSpendFile(db, TESTER, path, { bodyCode: OXFORD, undatedMonth: '2014-06' });
    assert.deepEqual([fixed.failed, fixed.accepted], [false, 1_500]);
  });

  test('a file with no body column already held for another body is stopped with a question', async () => {
    const db = database();
    const path = writeSpendFile(work, 'whose.csv', [ACME_APRIL]);
    await importSpendFile(db, TESTER, path, { bodyCode: OXFORD });
    await assert.rejects(importSpendFile(db, TESTER, path, { bodyCode: TRAFFORD }), (error: unknown) => {
      assert.ok(error instanceof SameFileOtherBodyError);
      assert.equal(error.heldFor.code, OXFORD);
      assert.match(error.message, /already held for Oxford City Council/);
      assert.equal(error.file, 'whose.csv');
      return true;
    });
    assert.equal((await held(db, TRAFFORD))?.payments, 0, 'nothing stored');
    const confirmed = await importSpendFile(db, TESTER, path, { bodyCode: TRAFFORD, confirmOtherBody: true });
    assert.equal(confirmed.accepted, 1);
  });
});
