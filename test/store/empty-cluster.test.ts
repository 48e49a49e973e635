import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { extract } from 'tar';
import { emptyClusterInMemory } from '../../src/store/empty-cluster.js';
import { openDatabase } from '../../src/store/db.js';

/** What initdb decided: the server's version, the catalog's version, and every catalog object. */
async function catalogOf(db: PGlite) {
  const [row] = (
    await db.query<Record<string, unknown>>(`
      SELECT version() AS version,
             (SELECT catalog_version_no FROM pg_control_system()) AS catalog,
             (SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class) AS relations,
             (SELECT count(*) FROM pg_proc) AS functions,
             (SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database) AS databases,
             (SELECT string_agg(collname, ',' ORDER BY collname) FROM pg_collation) AS collations`)
  ).rows;
  return row;
}

test('the prepared empty cluster is what the installed PGlite initdb makes (else: npm run make:empty-cluster)', async () => {
  const made = await PGlite.create();
  const prepared = await PGlite.create({ loadDataDir: emptyClusterInMemory() });
  try {
    assert.deepEqual(await catalogOf(prepared), await catalogOf(made));
  } finally {
    await made.close();
    await prepared.close();
  }
});

test('a new data folder is made from the prepared cluster, and an existing one is opened as it is', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'pathfinder-cluster-'));
  try {
    const first = await openDatabase({ dataDir: folder });
    await first.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
    await first.close();
    const again = await openDatabase({ dataDir: folder });
    assert.deepEqual(await again.query('SELECT n FROM kept'), [{ n: 42 }]);
    await again.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a folder left part-unpacked by a killed process is unpacked again and opens', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'pathfinder-cluster-'));
  try {
    // What a process killed while unpacking leaves: some of the files, one cut short, no PG_VERSION.
    let kept = 0;
    await extract({
      file: new URL('../../src/store/empty-cluster.tar.gz', import.meta.url).pathname,
      cwd: folder,
      filter: (path) => !path.endsWith('/PG_VERSION') && kept++ < 400,
    });
    writeFileSync(join(folder, 'global', 'pg_control'), 'cut short');
    const db = await openDatabase({ dataDir: folder });
    await db.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    assert.deepEqual(await db.query('SELECT n FROM kept'), [{ n: 7 }]);
    await db.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
