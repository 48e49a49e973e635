import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { migrate } from '../../src/store/migrate.js';
import { importSpendFile } from '../../src/services/import-spend.js';
import { forEachDatabase, TESTER } from '../helpers/databases.js';

forEachDatabase(
  'migration 7: payments partitioned by body',
  (database) => {
    test('moves the payments held into a table per body, indexed, and keeps them unique', async () => {
      const db = database();
      const ids: number[] = [];
      for (const code of ['E07000178', 'E08000009']) {
        // As the schema of the time held it: today's store code writes columns added later.
        const [row] = await db.query<{ id: number }>(
          `INSERT INTO bodies (code, name, kind, nation) VALUES ($1, $2, 'district', 'England') RETURNING id`,
          [code, `Council ${code}`],
        );
        ids.push((row as { id: number }).id);
      }
      const [payee] = await db.query<{ id: number }>(
        `INSERT INTO payees (name, redacted) VALUES ('Acme Ltd', false) RETURNING id`,
      );
      for (const body of ids) {
        const [spendImport] = await db.query<{ id: number }>(
          `INSERT INTO spend_imports (body_id, file_name, file_sha256, layout, rows_read, accepted, duplicates,
             rejected, total_pence, rejections, notes) VALUES ($1, 'a.csv', 'x', '{}', 2, 2, 0, 0, 300, '[]', '[]')
           RETURNING id`,
          [body],
        );
        await db.query(
          `INSERT INTO payments (body_id, content_key, import_id, row_number, month, amount_pence, payee_id)
           VALUES ($1, 1, $2, 2, '2024-04-01', 100, $3), ($1, 2, $2, 3, '2024-04-01', 200, $3)`,
          [body, spendImport?.id, payee?.id],
        );
      }

      assert.deepEqual(await migrate(db), [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);

      const partitions = await db.query<{ name: string; payments: number }>(
        'SELECT tableoid::regclass::text AS name, count(*)::int AS payments FROM payments GROUP BY 1 ORDER BY 1',
      );
      assert.deepEqual(partitions, [
        { name: `payments_body_${ids[0]}`, payments: 2 },
        { name: `payments_body_${ids[1]}`, payments: 2 },
      ]);
      const [sum] = await db.query<{ pence: number }>(
        'SELECT sum(amount_pence)::int8 AS pence FROM payments',
      );
      assert.equal(sum?.pence, 600);
      await assert.rejects(
        db.query(
          `INSERT INTO payments (body_id, content_key, import_id, row_number, month, amount_pence, payee_id)
           SELECT body_id, content_key, import_id, 9, month, amount_pence, payee_id FROM payments LIMIT 1`,
        ),
        /duplicate key/,
      );
    });
  },
  { through: 6 },
);

forEachDatabase(
  'migration 8: a payment is known by what identifies it, not by its descriptive columns',
  (database) => {
    const work = mkdtempSync(join(tmpdir(), 'pathfinder-migration-8-'));
    after(() => rmSync(work, { recursive: true, force: true }));

    test('re-keys the payments held, keeps one of each counted twice, and knows them in a file again', async () => {
      const db = database();
      const [body] = await db.query<{ id: number }>(
        `INSERT INTO bodies (code, name, kind, nation)
         VALUES ('E07000178', 'Oxford City Council', 'district', 'England') RETURNING id`,
      );
      await db.query(
        `CREATE TABLE payments_body_${body?.id} PARTITION OF payments FOR VALUES IN (${body?.id})`,
      );
      const [payee] = await db.query<{ id: number }>(
        `INSERT INTO payees (name, supplier_ref, redacted) VALUES ('Acme Ltd', 'A1', false) RETURNING id`,
      );
      const labels = await db.query<{ id: number }>(
        `INSERT INTO spend_labels (kind, value) VALUES ('expenseType', 'Repairs'), ('expenseType', 'Highways') RETURNING id`,
      );
      // One file imported twice before this version, the second time with another expense-type
      // column: the old keys covered the expense type, so every payment was stored twice.
      for (const [i, label] of labels.entries()) {
        const [spendImport] = await db.query<{ id: number }>(
          `INSERT INTO spend_imports (body_id, file_name, file_sha256, layout, rows_read, accepted, duplicates,
             rejected, total_pence, rejections, notes) VALUES ($1, 'a.csv', 'x', '{}', 3, 3, 0, 0, 11500, '[]', '[]')
           RETURNING id`,
          [body?.id],
        );
        await db.query(
          `INSERT INTO payments (body_id, content_key, import_id, row_number, paid_on, month, amount_pence, payee_id,
             transaction_number, expense_type_id)
           VALUES ($1, $5 + 1, $2, 2, '2024-04-01', '2024-04-01', 10000, $3, 'T-9', $4),
                  ($1, $5 + 2, $2, 3, '2024-04-02', '2024-04-01', 750, $3, NULL, $4),
                  ($1, $5 + 3, $2, 4, '2024-04-02', '2024-04-01', 750, $3, NULL, $4)`,
          [body?.id, spendImport?.id, payee?.id, label.id, i * 10],
        );
        await db.query(
          `INSERT INTO spend_cube (body_id, month, payee_id, expense_type_id, amount_pence, payments)
           VALUES ($1, '2024-04-01', $2, $3, 11500, 3)`,
          [body?.id, payee?.id, label.id],
        );
      }

      assert.deepEqual(await migrate(db), [8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);

      const [held] = await db.query<{ payments: number; pence: number; cube: number; imports: number[] }>(
        `SELECT count(*)::int AS payments, sum(amount_pence)::int8 AS pence,
           (SELECT sum(amount_pence)::int8 FROM spend_cube) AS cube, array_agg(DISTINCT import_id) AS imports
         FROM payments`,
      );
      assert.deepEqual(held, { payments: 3, pence: 11_500, cube: 11_500, imports: [1] });

      const path = join(work, 'again.csv');
      writeFileSync(
        path,
        'Date,Supplier,Supplier ID,Transaction Number,Expense Type,Amount\n' +
          '01/04/2024,Acme Ltd,A1,T-9,Repairs,100.00\n02/04/2024,Acme Ltd,A1,,Repairs,7.50\n02/04/2024,Acme Ltd,A1,,Repairs,7.50\n',
      );
      const report = await importSpendFile(db, TESTER, path, { bodyCode: 'E07000178' });
      assert.deepEqual([report.accepted, report.duplicates], [0, 3]);
    });
  },
  { through: 7 },
);

forEachDatabase('migration 15: every committed change is announced', (database) => {
  // That the announcement reaches a server is tested in test/server/response-cache.test.ts.
  test('every table but the sign-in bookkeeping holds the trigger that announces its changes', async () => {
    const [unwatched] = await database().query<{ tables: string[] }>(
      `SELECT array_agg(c.relname::text ORDER BY c.relname) AS tables FROM pg_class c
       WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'announce_data_change')`,
    );
    assert.deepEqual(unwatched?.tables, ['api_tokens', 'sessions', 'sign_in_failures']);
  });
});
