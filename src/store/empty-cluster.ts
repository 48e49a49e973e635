/**
 * A new embedded database starts from a prepared empty cluster rather than from PGlite's initdb, which
 * runs a second PostgreSQL inside the first and takes about 760 MB at its peak (a new database from the
 * prepared one: about 360 MB, and in a third of the time). The cluster is what initdb makes, kept in
 * the repository beside this file; `npm run make:empty-cluster` makes it again after PGlite is upgraded,
 * and a test fails while it differs from what the installed PGlite's initdb makes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

// From src/store and dist/store alike: the archive is not compiled, so it is read where it is kept.
const ARCHIVE = new URL('../../src/store/empty-cluster.tar.gz', import.meta.url);

/** The prepared cluster for a database not made yet (in memory, or a folder without one); else undefined. */
export function emptyClusterFor(dataDir: string | undefined): Blob | undefined {
  if (dataDir && existsSync(join(dataDir, 'PG_VERSION'))) return undefined;
  return new Blob([readFileSync(ARCHIVE)], { type: 'application/x-gzip' });
}

/** Runs the installed PGlite's initdb and keeps its cluster as the prepared one. */
export async function makeEmptyCluster(): Promise<void> {
  const db = await PGlite.create();
  const archive = await db.dumpDataDir('gzip');
  await db.close();
  writeFileSync(ARCHIVE, Buffer.from(await archive.arrayBuffer()));
}
