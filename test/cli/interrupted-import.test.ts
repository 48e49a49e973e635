import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateSpendFile } from '../../bench/generate-spend.js';
import { seedDemo } from '../../src/demo/seed.js';
import { openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-kill-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('a process killed mid-import leaves the store as it was before the import', async () => {
  const dataDir = join(work, 'data');
  const file = join(work, 'spend.csv');
  // Rochdale's own name in the body column, so that every row is a payment to store.
  await generateSpendFile(file, 200_000, 'Rochdale Metropolitan Borough Council');
  const before = await openDatabase({ dataDir });
  await migrate(before);
  await seedDemo(before);
  await before.close();

  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      '--data-dir',
      dataDir,
      'import',
      'spend',
      file,
      '--body',
      'E08000005',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DATABASE_URL: '' } },
  );
  let said = '';
  child.stderr.on('data', (chunk) => {
    said += chunk;
  });
  // Once the import is under way, give it time to write some batches, then kill it without warning.
  while (!said.includes('Importing')) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 2500));
  child.kill('SIGKILL');
  const [code, signal] = await once(child, 'exit');
  assert.deepEqual([code, signal], [null, 'SIGKILL'], 'the import was still running when killed');

  const db = await openDatabase({ dataDir });
  try {
    const [counts] = await db.query<{ payments: number; imports: number; bodies: number }>(
      `SELECT (SELECT count(*)::int FROM payments) AS payments, (SELECT count(*)::int FROM spend_imports) AS imports,
              (SELECT count(*)::int FROM bodies) AS bodies`,
    );
    assert.deepEqual(counts, { payments: 0, imports: 0, bodies: 54 });
  } finally {
    await db.close();
  }
});
