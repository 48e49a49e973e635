import assert from 'node:assert/strict';
import { test } from 'node:test';
import { saveBody } from '../../src/store/bodies.js';
import { migrate } from '../../src/store/migrate.js';
import { forEachDatabase } from '../helpers/databases.js';

forEachDatabase(
  'migration 7: payments partitioned by body',
  (database) => {
    test('moves the payments held into a table per body, indexed, and keeps them unique', async () => {
      const db = database();
      const ids: number[] = [];
      for (const code of ['E07000178', 'E08000009']) {
        await saveBody(
          db,
          { code, name: `Council ${code}`, kind: 'district', nation: 'England' },
          { create: true },
        );
        const [row] = await db.query<{ id: number }>('SELECT id FROM bodies WHERE code = $1', [code]);
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

      assert.deepEqual(await migrate(db), [7]);

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
