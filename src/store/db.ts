import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type DataFolderLock, lockDataFolder } from './data-folder-lock.js';
import { openPGliteHere, type PGliteChannel, startPGliteThread } from './pglite-client.js';
import { DATE, INT8, TIMESTAMPTZ, toIso, toNumber } from './values.js';

/** What every repository needs: run a statement, or run several as one transaction. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Inside a transaction this runs fn in the same transaction. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Bulk-loads CSV text (no header) into a table with COPY: the fast path for many rows. */
  copyCsv(table: string, columns: string[], csv: string): Promise<void>;
  /** Runs a script of several statements, taking no parameters (the simple-query protocol): migrations. */
  exec(script: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /**
   * A number that moves after every committed change to the data, by this process or by another
   * (heard through the database's notifications); undefined while another's changes could go
   * unheard, so that nothing is answered from memory then.
   */
  dataVersion(): number | undefined;
  /** Says where this process now answers, for a second process that finds the data folder held. */
  announce(url: string): void;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… for a PostgreSQL server; otherwise the embedded database is used. */
  url?: string | undefined;
  /** Folder for the embedded database's files; omitted means in memory (tests). */
  dataDir?: string | undefined;
  /** What this process is doing, named to a second process refused the embedded data folder. */
  purpose?: string | undefined;
  /**
   * Runs the embedded database on this thread rather than one of its own: less memory, for a command
   * that serves no requests while a statement runs. Ignored for PostgreSQL.
   */
  embeddedHere?: boolean | undefined;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url
    ? openPostgres(options.url)
    : openPGlite(options.dataDir, options.purpose ?? 'pathfinder', options.embeddedHere ?? false);
}

async function openPGlite(dataDir: string | undefined, purpose: string, here: boolean): Promise<Database> {
  let lock: DataFolderLock | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    // Before PGlite touches a file: a second process in the folder would corrupt it unseen.
    lock = lockDataFolder(dataDir, purpose);
  }
  let thread: PGliteChannel;
  try {
    thread = await (here ? openPGliteHere : startPGliteThread)({
      dataDir,
      // PostgreSQL's own 128 MB buffer pool sits inside PGlite's memory; the files are cached by the
      // operating system anyway. 32 MB: a restart's peak 376 → 254 MB, a million-row import as fast.
      // WebAssembly memory never shrinks, and an index build sorts in up to maintenance_work_mem: after
      // a million-row import's index builds PGlite held 45 MB more with the default 64 MB, 22 MB more with 16.
      startParams: [
        ...PGlite.defaultStartParams,
        ...['-c', 'shared_buffers=32MB', '-c', 'maintenance_work_mem=16MB'],
      ],
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  // The data folder's lock keeps every other process out, so this process sees every change itself.
  const version = new DataVersion();
  const on = (tx: number | undefined): Sql => {
    // Outside a transaction the version moves once the work is over; inside, once the transaction is.
    const counted = <T>(work: Promise<T>) => (tx === undefined ? version.after(work) : work);
    return {
      async query<Row>(text: string, params?: unknown[]) {
        const rows = await thread.ask<Row[]>({ op: 'query', tx, text, params });
        if (tx === undefined) version.afterStatement(text);
        return rows;
      },
      transaction: (fn) =>
        tx === undefined ? version.after(thread.transaction((id) => fn(on(id)))) : fn(on(tx)),
      async copyCsv(table, columns, csv) {
        await counted(
          thread.ask({ op: 'copy', tx, text: copyStatement(table, columns, "'/dev/blob'"), csv }),
        );
      },
      async exec(script) {
        await counted(thread.ask({ op: 'exec', tx, script }));
      },
    };
  };
  return {
    kind: 'pglite',
    ...on(undefined),
    dataVersion: () => version.current,
    announce: (url) => lock?.announce(url),
    async close() {
      await thread.close();
      lock?.release();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const typeParsers = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8) return toNumber;
      if (oid === DATE) return (v: string) => v;
      if (oid === TIMESTAMPTZ) return toIso;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, types: typeParsers, options: '-c TimeZone=UTC' });
  // An idle connection the server closes (a restart, a dropped database) is replaced on next use; without
  // a listener its error would end the process. A server shutting down (57P01) is expected, not news.
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') console.error(`PostgreSQL connection lost: ${error.message}`);
  });
  // Fail at open, with the server's own words, rather than at the first page load.
  const probe = await pool.connect();
  probe.release();
  const version = new DataVersion();
  const listener = await hearChanges(url, version);
  const onClient = (client: pg.PoolClient): Sql => ({
    async query<Row>(text: string, params?: unknown[]) {
      return (await client.query(text, params)).rows as Row[];
    },
    transaction: (fn) => fn(onClient(client)),
    async copyCsv(table, columns, csv) {
      await pipeline(Readable.from([csv]), client.query(copyFrom(copyStatement(table, columns, 'STDIN'))));
    },
    async exec(script) {
      // Without parameters node-postgres sends the simple query, which may hold several statements.
      await client.query(script);
    },
  });
  return {
    kind: 'postgres',
    async query<Row>(text: string, params?: unknown[]) {
      const { rows } = await pool.query(text, params);
      version.afterStatement(text);
      return rows as Row[];
    },
    transaction: (fn) => version.after(transaction(fn)),
    async copyCsv(table, columns, csv) {
      const client = await pool.connect();
      try {
        await version.after(onClient(client).copyCsv(table, columns, csv));
      } finally {
        client.release();
      }
    },
    async exec(script) {
      await version.after(pool.query(script));
    },
    dataVersion: () => version.current,
    announce: () => {},
    async close() {
      await listener.close();
      await pool.end();
    },
  };

  async function transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(onClient(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Statements that may change data; a read taken for one costs only a page worked out again. */
const WRITES = /\b(INSERT|UPDATE|DELETE|TRUNCATE|MERGE|COPY|CREATE|DROP|ALTER)\b/i;
const TARGET = /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)/i;

/**
 * The bookkeeping of signing in, which no page kept until the data changes shows: writing it (an
 * API token's last use is written as scripts call) does not move the data version or announce a change.
 */
export const SIGN_IN_BOOKKEEPING = ['api_tokens', 'sessions', 'sign_in_failures'];

/** Counts committed changes, for Database.dataVersion. */
class DataVersion {
  private count = 0;
  private heard = true;

  get current() {
    return this.heard ? this.count : undefined;
  }

  /** Moves once the work is over, committed or not: a reader never sees new data under an old number. */
  async after<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      this.count++;
    }
  }

  afterStatement(text: string) {
    if (!WRITES.test(text)) return;
    const table = TARGET.exec(text)?.[1]?.toLowerCase();
    if (table === undefined || !SIGN_IN_BOOKKEEPING.includes(table)) this.count++;
  }

  changed() {
    this.count++;
  }

  hearing(heard: boolean) {
    this.heard = heard;
    this.count++;
  }
}

/**
 * Listens on its own connection for migration 15's announcements of changes committed by any process.
 * While the connection is down the version is unknown; it is opened again a second later. A connection
 * a firewall drops without a word would leave the version known but deaf: it is asked for an answer
 * every half minute, and given five seconds.
 */
async function hearChanges(url: string, version: DataVersion) {
  let closed = false;
  let client: pg.Client | undefined;
  const listen = async () => {
    const c = new pg.Client({ connectionString: url, keepAlive: true, query_timeout: 5000 });
    let lost = false;
    const retry = () => {
      if (lost) return;
      lost = true;
      clearInterval(heartbeat);
      version.hearing(false);
      c.end().catch(() => {});
      if (!closed) setTimeout(listen, 1000).unref();
    };
    const heartbeat = setInterval(() => c.query('SELECT 1').catch(retry), 30_000).unref();
    c.on('notification', () => version.changed());
    c.on('error', retry);
    c.on('end', retry);
    try {
      await c.connect();
      await c.query('LISTEN pathfinder_data_changed');
      client = c;
      if (!lost) version.hearing(true);
    } catch {
      retry();
    }
  };
  await listen();
  return {
    async close() {
      closed = true;
      await client?.end();
    },
  };
}

function copyStatement(table: string, columns: string[], source: string): string {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}
