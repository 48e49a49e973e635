import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateSpendFile } from '../../bench/generate-spend.js';
import { seedDemo } from '../../src/demo/seed.js';
import { type Database, openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { forEachDatabaseTarget } from '../helpers/databases.js';

/**
 * Kills the real import command with SIGKILL at each named point (src/store/faults.ts), then checks
 * that what the reports read agrees with the payments stored, and that those are either nothing or
 * the file's exact total; then imports the file again and checks it holds exactly once.
 */
const POINTS = [
  'import:batch-written:1',
  'import:before-refresh',
  'refresh:categories-mapped',
  'suppliers:resolved',
  'import:committed',
];
/** A Greater Manchester council of the demo register for each point, so each starts with no spend. */
const BODIES = [
  ['E08000001', 'Bolton Metropolitan Borough Council'],
  ['E08000002', 'Bury Metropolitan Borough Council'],
  ['E08000004', 'Oldham Metropolitan Borough Council'],
  ['E08000005', 'Rochdale Metropolitan Borough Council'],
  ['E08000006', 'Salford City Council'],
  ['E08000007', 'Stockport Metropolitan Borough Council'],
] as const;
const ROWS = 12_000;

const work = mkdtempSync(join(tmpdir(), 'pathfinder-faults-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Totals {
  payments: number;
  spendCube: number;
  analysisCube: number;
  /** Spend with payees grouped into suppliers, and spend to payees that are named (not redacted). */
  suppliers: number;
  named: number;
  ungroupedPayees: number;
  imports: number;
}

async function totals(db: Database, code: string): Promise<Totals> {
  const [row] = await db.query<Totals>(
    `WITH b AS (SELECT id FROM bodies WHERE code = $1)
     SELECT
       (SELECT coalesce(sum(amount_pence), 0) FROM payments WHERE body_id = (SELECT id FROM b))::bigint AS payments,
       (SELECT coalesce(sum(amount_pence), 0) FROM spend_cube WHERE body_id = (SELECT id FROM b))::bigint AS "spendCube",
       (SELECT coalesce(sum(amount_pence), 0) FROM analysis_cube WHERE body_id = (SELECT id FROM b))::bigint AS "analysisCube",
       (SELECT coalesce(sum(c.amount_pence), 0) FROM spend_cube c JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
          WHERE c.body_id = (SELECT id FROM b))::bigint AS suppliers,
       (SELECT coalesce(sum(amount_pence), 0) FROM payments p JOIN payees y ON y.id = p.payee_id
          WHERE body_id = (SELECT id FROM b) AND NOT y.redacted)::bigint AS named,
       (SELECT count(DISTINCT payee_id) FROM payments p JOIN payees y ON y.id = p.payee_id
          WHERE body_id = (SELECT id FROM b) AND NOT y.redacted AND NOT EXISTS (SELECT 1 FROM payee_suppliers ps WHERE ps.payee_id = p.payee_id))::int AS "ungroupedPayees",
       (SELECT count(*) FROM spend_imports WHERE body_id = (SELECT id FROM b))::int AS imports`,
    [code],
  );
  return row as Totals;
}

/** Runs the real command, killed at `fault` if one is named. */
function pathfinder(target: string[], args: string[], fault?: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...target, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', PATHFINDER_FAULT: fault ?? '' },
  });
}
const importCommand = (target: string[], file: string, code: string, fault?: string) =>
  pathfinder(target, ['import', 'spend', file, '--body', code], fault);

forEachDatabaseTarget('an import killed at any point', (kind, options) => {
  const target = (): string[] => {
    const { url, dataDir } = options();
    return url ? ['--database-url', url] : ['--data-dir', dataDir as string];
  };
  const open = async () => {
    const db = await openDatabase(options());
    await migrate(db);
    return db;
  };
  const files = new Map<string, { path: string; total: number }>();
  before(async () => {
    const db = await open();
    await seedDemo(db);
    await db.close();
    for (const [code, name] of BODIES) {
      const path = join(work, `${kind}-${code}.csv`);
      files.set(code, { path, total: await generateSpendFile(path, ROWS, name) });
    }
  });

  POINTS.forEach((point, i) => {
    const [code] = BODIES[i] as readonly [string, string];
    test(`killed at ${point}: the reports agree with the payments, and importing again stores the file once`, async () => {
      const { path, total } = files.get(code) as { path: string; total: number };
      const killed = importCommand(target(), path, code, point);
      assert.equal(killed.signal, 'SIGKILL', `the fault point was reached: ${killed.stderr}`);

      let db = await open();
      const afterKill = await totals(db, code);
      await db.close();
      const stored = point === 'import:committed' ? total : 0;
      assert.deepEqual(
        { ...afterKill, named: afterKill.named > 0 },
        {
          payments: stored,
          spendCube: stored,
          analysisCube: stored,
          suppliers: afterKill.named,
          named: stored > 0,
          ungroupedPayees: 0,
          imports: stored ? 1 : 0,
        },
      );

      const again = importCommand(target(), path, code);
      assert.equal(again.status, 0, again.stderr);
      db = await open();
      const repaired = await totals(db, code);
      await db.close();
      // A later file for the body (the same file again, killed mid-way) leaves it as it was too.
      const laterKilled = importCommand(target(), path, code, 'import:batch-written:2');
      assert.equal(laterKilled.signal, 'SIGKILL', laterKilled.stderr);
      db = await open();
      const afterLater = await totals(db, code);
      await db.close();
      for (const t of [repaired, afterLater]) {
        assert.equal(t.payments, total);
        assert.equal(t.spendCube, total);
        assert.equal(t.analysisCube, total);
        assert.equal(t.suppliers, t.named);
        assert.equal(t.ungroupedPayees, 0);
      }
    });
  });

  test('a regrouping of every supplier killed part-way leaves suppliers and reports as they were', async () => {
    const snapshot = async () => {
      const db = await open();
      try {
        return await db.query(
          `SELECT (SELECT md5(string_agg(payee_id || ':' || supplier_id, ',' ORDER BY payee_id)) FROM payee_suppliers) AS grouping,
             (SELECT md5(string_agg(id || ':' || name || ':' || spend_pence, ',' ORDER BY id)) FROM suppliers) AS suppliers,
             (SELECT sum(amount_pence)::text FROM analysis_cube) AS analysis, (SELECT sum(amount_pence)::text FROM payments) AS payments`,
        );
      } finally {
        await db.close();
      }
    };
    const before = await snapshot();
    const killed = pathfinder(target(), ['suppliers', 'resolve'], 'suppliers:resolved');
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.deepEqual(await snapshot(), before);
    assert.equal(pathfinder(target(), ['suppliers', 'resolve']).status, 0);
    const [after] = (await snapshot()) as { analysis: string; payments: string }[];
    assert.equal(after?.analysis, after?.payments);
  });
});
