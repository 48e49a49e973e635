import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { type Database, openDatabase } from '../../src/store/db.js';

/**
 * The embedded database behaves as PGlite does, on its own thread (the server's) and on the caller's
 * (a command's).
 */
for (const embeddedHere of [false, true]) {
  const where = embeddedHere ? "on the caller's thread" : 'on its own thread';
  let db: Database;
  before(async () => {
    db = await openDatabase({ embeddedHere });
    await db.exec('CREATE TABLE t (n int PRIMARY KEY)');
  });
  after(() => db.close());

  test(`${where}: a constraint's error comes back with PostgreSQL's fields`, async () => {
    await db.query('INSERT INTO t VALUES (1)');
    await assert.rejects(db.query('INSERT INTO t VALUES (1)'), { code: '23505', constraint: 't_pkey' });
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (2)');
        await tx.query('INSERT INTO t VALUES (1)');
      }),
      { code: '23505' },
    );
    assert.deepEqual(
      await db.query('SELECT n FROM t ORDER BY n'),
      [{ n: 1 }],
      'the failed transaction left nothing',
    );
  });

  test(`${where}: a statement sent while a transaction is open waits for it and never sees inside it`, async () => {
    const order: string[] = [];
    let outside: Promise<unknown> | undefined;
    await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (10)');
        outside = db
          .query<{ count: number }>('SELECT count(*)::int AS count FROM t WHERE n = 10')
          .then((rows) => {
            order.push(`outside saw ${rows[0]?.count}`);
          });
        await tx.query('SELECT pg_sleep(0.2)');
        order.push('transaction done');
        throw new Error('changed my mind');
      })
      .catch(() => order.push('rolled back'));
    await outside;
    assert.deepEqual(order, ['transaction done', 'rolled back', 'outside saw 0']);
  });

  test(`${where}: COPY loads rows, and a closed database refuses statements in words`, async () => {
    const other = await openDatabase({ embeddedHere });
    await other.exec('CREATE TABLE c (n int, label text)');
    await other.copyCsv('c', ['n', 'label'], '1,"one"\n2,""\n3,\n');
    assert.deepEqual(await other.query('SELECT n, label FROM c ORDER BY n'), [
      { n: 1, label: 'one' },
      { n: 2, label: '' },
      { n: 3, label: null },
    ]);
    await other.close();
    await assert.rejects(other.query('SELECT 1'), /The embedded database is closed/);
  });
}

test('a parameter that cannot cross the thread is refused, and the process still ends by itself', () => {
  const script = `
    import { openDatabase } from ${JSON.stringify(new URL('../../src/store/db.ts', import.meta.url).href)};
    const db = await openDatabase();
    await db.query('SELECT $1::text', [() => 1]).catch((e) => console.log('refused', e.name));
    console.log('still answers', (await db.query('SELECT 1 AS one'))[0].one);`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.signal, null, `killed after a minute: the process did not end\n${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /refused DataCloneError/);
  assert.match(run.stdout, /still answers 1/);
});
