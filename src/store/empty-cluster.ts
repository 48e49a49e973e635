/**
 * A new embedded database starts from a prepared empty cluster rather than from PGlite's initdb, which
 * runs a second PostgreSQL inside the first and takes about 760 MB at its peak. The cluster is what
 * initdb makes, kept in the repository beside this file; `npm run make:empty-cluster` makes it again
 * after PGlite is upgraded, and a test fails while it differs from what the installed initdb makes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { extract } from 'tar';

// Beside this module: kept in src/store, and copied into dist/store by the build.
const ARCHIVE = fileURLToPath(new URL('empty-cluster.tar.gz', import.meta.url));

/** PGlite takes a folder holding this file for a database made, and any other for one to make. */
const isVersionFile = (path: string) => path.replace(/^\/+/, '') === 'PG_VERSION';

/**
 * Unpacks the prepared cluster into a data folder that holds no database yet, streamed from the file:
 * opening it then costs what a restart does. PG_VERSION comes last, so a process killed part-way
 * leaves a folder that is unpacked again, not a broken database.
 */
export async function prepareDataFolder(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  await extract({ file: ARCHIVE, cwd: dataDir, filter: (path) => !isVersionFile(path) });
  await extract({ file: ARCHIVE, cwd: dataDir, filter: isVersionFile });
}

/** The prepared cluster for a database held in memory, which PGlite unpacks itself. */
export function emptyClusterInMemory(): Blob {
  return new Blob([readFileSync(ARCHIVE)], { type: 'application/x-gzip' });
}

/** Runs the installed PGlite's initdb and keeps its cluster as the prepared one (run from src/store). */
export async function makeEmptyCluster(): Promise<void> {
  const db = await PGlite.create();
  const archive = await db.dumpDataDir('gzip');
  await db.close();
  writeFileSync(ARCHIVE, Buffer.from(await archive.arrayBuffer()));
}
