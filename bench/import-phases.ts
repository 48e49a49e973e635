import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import pg from 'pg';
import { importSpendFile } from '../src/services/import-spend.js';
import { saveBody } from '../src/store/bodies.js';
import { type Database, openDatabase } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';

/** Runs one bench phase over the file and returns the number of rows it handled. */
export async function run(
  phase: string,
  file: string,
  env: { adminUrl: string; duckdbDir: string },
): Promise<number> {
  if (phase === 'parse') {
    let rows = 0;
    let pence = 0;
    for await (const record of createReadStream(file).pipe(parse({ from_line: 2 }))) {
      rows++;
      pence += Math.round(Number((record as string[])[8]) * 100);
    }
    if (!Number.isFinite(pence)) throw new Error('bad sum');
    return rows;
  }
  if (phase === 'duckdb') {
    const { DuckDBInstance } = await import(
      join(env.duckdbDir, 'node_modules', '@duckdb', 'node-api', 'lib', 'index.js')
    );
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run(`CREATE TABLE spend AS SELECT * FROM read_csv('${file}', header = true)`);
    const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM spend');
    return (reader.getRowObjects()[0] as { n: number }).n;
  }
  if (phase === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'pathfinder-bench-pglite-'));
    try {
      return await importInto(await openDatabase({ dataDir: dir }), file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (phase === 'postgres') {
    const name = `pathfinder_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: env.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(env.adminUrl);
      url.pathname = `/${name}`;
      return await importInto(await openDatabase({ url: url.toString() }), file);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
  throw new Error(`unknown phase ${phase}`);
}

async function importInto(db: Database, file: string): Promise<number> {
  try {
    await migrate(db);
    await saveBody(
      db,
      { code: 'E06009999', name: 'Example Council', kind: 'unitary', nation: 'England' },
      { create: true },
    );
    const report = await importSpendFile(db, { name: 'benchmark' }, file, { bodyCode: 'E06009999' });
    return report.accepted;
  } finally {
    await db.close();
  }
}
