import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { seedDemo } from '../../src/demo/seed.js';
import { openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-spend-cli-'));
const dataDir = join(work, 'data');
after(() => rmSync(work, { recursive: true, force: true }));
before(async () => {
  const db = await openDatabase({ dataDir });
  await migrate(db);
  await seedDemo(db);
  await db.close();
});

function pathfinder(...args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', dataDir, ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
    },
  );
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function writeCsv(name: string, content: string) {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

test('a file whose every row is refused is reported as failed, with what to do, and exits 1', () => {
  const file = writeCsv(
    'undated.csv',
    'Paid Date,Supplier,Amount\n00:00:00,Acme Ltd,100.00\n00:00:00,Bolt plc,5.00\n',
  );
  const run = pathfinder('import', 'spend', file, '--body', 'E07000178');
  assert.equal(run.code, 1, run.err);
  assert.match(
    run.out,
    /undated\.csv could not be imported for Oxford City Council \(E07000178\): all its rows were refused/,
  );
  assert.match(run.out, /Give the month the payments were made/);
  assert.match(run.out, /refused row 3, Paid Date: The date is missing/);
});

test('an import is removed from the command line only once confirmed', () => {
  const file = writeCsv('july.csv', 'Date,Supplier,Amount\n01/07/2024,Acme Ltd,100.00\n');
  const imported = pathfinder('import', 'spend', file, '--body', 'E07000178');
  assert.equal(imported.code, 0, imported.err);
  const id = /import (\d+)/.exec(imported.out)?.[1] as string;
  const unconfirmed = pathfinder('spend', 'remove', id);
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.err, /add --yes to go ahead[\s\S]*Nothing removed/);
  const removed = pathfinder('spend', 'remove', id, '--yes');
  assert.equal(removed.code, 0, removed.err);
  assert.match(
    removed.out,
    new RegExp(`Removed import ${id}: july\\.csv for Oxford City Council, 1 payments stored`),
  );
  assert.match(
    pathfinder('spend', 'remove', id, '--yes').err,
    new RegExp(`No spend import has the number ${id}`),
  );
});
