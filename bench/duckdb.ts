import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * DuckDB for the baselines, installed into bench/.duckdb on first use: the npm registry here lacks
 * some of its platform packages, so it cannot be in package.json without breaking `npm ci`.
 */
export const DUCKDB_DIR = join(import.meta.dirname, '.duckdb');
const ENTRY = join(DUCKDB_DIR, 'node_modules', '@duckdb', 'node-api', 'lib', 'index.js');

export function ensureDuckDb() {
  if (existsSync(ENTRY)) return;
  console.log('Installing @duckdb/node-api for the baseline (bench only, not a dependency of Pathfinder)…');
  spawnSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', DUCKDB_DIR, '@duckdb/node-api'],
    {
      stdio: 'inherit',
    },
  );
}

/** A DuckDB connection in memory. */
export async function duckDbConnection() {
  ensureDuckDb();
  const { DuckDBInstance } = await import(ENTRY);
  return (await DuckDBInstance.create(':memory:')).connect();
}
