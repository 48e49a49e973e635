import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-lock-'));
after(() => rmSync(work, { recursive: true, force: true }));

function pathfinder(dataDir: string, ...args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', dataDir, ...args],
    { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } },
  );
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** The pid of a process that has ended: a lock naming it is stale. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid as number;
}

test('a second process is refused a folder in use, told who holds it, and nothing of its work is done', async () => {
  const dataDir = join(work, 'held');
  const db = await openDatabase({ dataDir, purpose: 'pathfinder serve' });
  try {
    await migrate(db);
    db.announce('http://127.0.0.1:3999');
    const refused = pathfinder(dataDir, 'users', 'add', '--email', 'a@example.gov.uk', '--name', 'A');
    assert.equal(refused.code, 1, refused.out);
    assert.match(
      refused.err,
      new RegExp(`The data folder ${dataDir} is in use by pathfinder serve \\(process ${process.pid}`),
    );
    assert.match(refused.err, /--server http:\/\/127\.0\.0\.1:3999/);
    assert.doesNotMatch(refused.err, /at .*\.ts:\d+/, 'no stack trace');
    const [users] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    assert.equal(users?.n, 0);
  } finally {
    await db.close();
  }
  assert.equal(existsSync(join(dataDir, 'pathfinder.lock')), false, 'closing releases the folder');
  const after = pathfinder(dataDir, 'users', 'list');
  assert.equal(after.code, 0, after.err);
});

test('a lock left by a killed process is taken over', async () => {
  const dataDir = join(work, 'stale');
  mkdirSync(dataDir);
  const stale = {
    pid: await deadPid(),
    host: hostname(),
    purpose: 'pathfinder import spend',
    since: '2026-01-01T00:00:00.000Z',
  };
  writeFileSync(join(dataDir, 'pathfinder.lock'), JSON.stringify(stale));
  const db = await openDatabase({ dataDir, purpose: 'test' });
  try {
    const holder = JSON.parse(readFileSync(join(dataDir, 'pathfinder.lock'), 'utf8'));
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.purpose, 'test');
  } finally {
    await db.close();
  }
});

test('of several processes starting at once on a stale lock, exactly one holds the folder', async () => {
  const dataDir = join(work, 'race');
  mkdirSync(dataDir);
  const stale = {
    pid: await deadPid(),
    host: hostname(),
    purpose: 'killed',
    since: '2026-01-01T00:00:00.000Z',
  };
  writeFileSync(join(dataDir, 'pathfinder.lock'), JSON.stringify(stale));
  const script = `
    import { lockDataFolder } from './src/store/data-folder-lock.ts';
    try { const lock = lockDataFolder(${JSON.stringify(dataDir)}, 'racer'); console.log('held');
      setTimeout(() => lock.release(), 1500); }
    catch (error) { console.log(error.name); }`;
  const racers = Array.from({ length: 6 }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const said = await Promise.all(
    racers.map(async (child) => {
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      await once(child, 'exit');
      return out.trim();
    }),
  );
  assert.equal(said.filter((s) => s === 'held').length, 1, said.join(', '));
  assert.equal(said.filter((s) => s === 'DataFolderInUseError').length, 5, said.join(', '));
});
