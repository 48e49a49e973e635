import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import pg from 'pg';
import { importSpendFile } from '../src/services/import-spend.js';
import { dropBodyPayments, openPaymentLoad } from '../src/store/payment-tables.js';
import { saveBody } from '../src/store/bodies.js';
import { type Database, openDatabase } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';

/**
 * When the measured part of a phase began (a phase may move it past untimed preparation), and when
 * the last payment was written, before suppliers, categories and totals are worked out.
 */
export const timing = { started: 0, loaded: 0 };

/** Runs one bench phase over the file and returns the number of rows it handled. */
export async function run(
  phase: string,
  file: string,
  env: { adminUrl: string; duckdbDir: string; dataDir?: string },
): Promise<number> {
  if (phase === 'parse') {
    // Papa Parse, which Pathfinder's reader uses, through its public streaming API.
    let rows = 0;
    let pence = 0;
    await new Promise((resolve, reject) =>
      Papa.parse<string[]>(createReadStream(file, { highWaterMark: 1 << 20 }), {
        skipFirstNLines: 1,
        step: ({ data }) => {
          if (data.length < 9) return;
          rows++;
          pence += Math.round(Number(data[8]) * 100);
        },
        complete: resolve,
        error: reject,
      }),
    );
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
  if (phase === 'pglite-create') {
    // A new embedded database in the folder, migrated: its memory is measured on its own.
    const db = await openDatabase({ dataDir: env.dataDir });
    try {
      await prepare(db);
    } finally {
      await db.close();
    }
    return 0;
  }
  if (phase === 'pglite') {
    // Into the database pglite-create made, as into a server's: the import's own memory.
    return await importInto(await openDatabase({ dataDir: env.dataDir }), file, { prepared: true });
  }
  if (phase === 'store-pglite') {
    // The payments the pglite phase stored, stored again without reading the file.
    return await storeAgain(await openDatabase({ dataDir: env.dataDir }));
  }
  if (phase === 'postgres' || phase === 'postgres-again' || phase === 'store-postgres') {
    const name = `pathfinder_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: env.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(env.adminUrl);
      url.pathname = `/${name}`;
      const db = await openDatabase({ url: url.toString() });
      if (phase !== 'store-postgres')
        return await importInto(db, file, { again: phase === 'postgres-again' });
      await importInto(await openDatabase({ url: url.toString() }), file);
      return await storeAgain(db);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
  throw new Error(`unknown phase ${phase}`);
}

async function prepare(db: Database) {
  await migrate(db);
  await saveBody(
    db,
    { code: 'E06009999', name: 'Example Council', kind: 'unitary', nation: 'England' },
    { create: true },
  );
}

/**
 * Imports the file into a new body; `again` first imports it untimed, then times a second import,
 * in which every payment is already held: the path of a body's later files, without the bulk load.
 */
async function importInto(
  db: Database,
  file: string,
  { again = false, prepared = false } = {},
): Promise<number> {
  try {
    if (!prepared) await prepare(db);
    const actor = { name: 'benchmark' };
    if (again) await importSpendFile(db, actor, file, { bodyCode: 'E06009999' });
    // Creating and migrating the database is not the import's time.
    timing.started = performance.now();
    const report = await importSpendFile(
      db,
      actor,
      file,
      { bodyCode: 'E06009999' },
      {
        onProgress: ({ stage }) => {
          if (stage === 'analysing' && !timing.loaded) timing.loaded = performance.now();
        },
      },
    );
    return report.accepted + report.duplicates;
  } finally {
    await db.close();
  }
}

/**
 * The database's own share of the load, the floor under it however fast the file is read: a body's
 * payments, already read and resolved (taken from the database untimed), COPYed in batches as the
 * import writes them into a new partition, which is then attached with its indexes built.
 */
async function storeAgain(db: Database): Promise<number> {
  try {
    const [body] = await db.query<{ id: number }>(`SELECT id FROM bodies WHERE code = 'E06009999'`);
    const columns = (
      await db.query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns
         WHERE table_name = 'payments' ORDER BY ordinal_position`,
      )
    ).map((c) => c.name);
    // As text (content keys are beyond a JavaScript number), quoted so that an empty text stays one.
    const field = (v: string | null) => (v === null ? '' : `"${v.replaceAll('"', '""')}"`);
    // Fetched through a cursor, a batch at a time: a million rows at once would not fit a thread's heap.
    const batches: string[] = [];
    await db.transaction(async (tx) => {
      await tx.query(
        `DECLARE held NO SCROLL CURSOR FOR SELECT ${columns.map((c) => `${c}::text`).join(', ')}
         FROM payments WHERE body_id = ${body?.id}`,
      );
      for (;;) {
        const rows = await tx.query<Record<string, string | null>>('FETCH 5000 FROM held');
        if (!rows.length) break;
        batches.push(
          rows.map((row) => `${columns.map((c) => field(row[c] as string | null)).join(',')}\n`).join(''),
        );
      }
    });
    const count = batches.reduce((n, batch) => n + batch.split('\n').length - 1, 0);
    timing.started = performance.now();
    await db.transaction(async (tx) => {
      await dropBodyPayments(tx, body?.id as number);
      const load = await openPaymentLoad(tx, body?.id as number);
      for (const batch of batches) await tx.copyCsv(load.table, columns, batch);
      await load.finish(count);
    });
    timing.loaded = performance.now();
    return count;
  } finally {
    await db.close();
  }
}
