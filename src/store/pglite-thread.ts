/**
 * The embedded database on a worker thread of its own. PGlite runs each statement to its end on the
 * thread that calls it: on the server's thread an import's index build or a report's scan would hold
 * up every other request, even pages answered from memory. Here it holds up only this thread.
 *
 * The calling side (pglite-client.ts) sends one request at a time per caller and gets one answer
 * each; a transaction is opened, used by its id and ended, as PGlite's own transaction callback.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction, types } from '@electric-sql/pglite';
import { emptyClusterInMemory, prepareDataFolder } from './empty-cluster.js';
import { DATE, INT8, TIMESTAMPTZ, toIso, toNumber } from './values.js';

export interface PGliteThreadOptions {
  dataDir: string | undefined;
  startParams: string[];
}

export type ToDatabase = { id: number; tx?: number | undefined } & (
  | { op: 'query'; text: string; params?: unknown[] | undefined }
  | { op: 'exec'; script: string }
  | { op: 'copy'; text: string; csv: string }
  | { op: 'begin' }
  | { op: 'end'; commit: boolean }
  | { op: 'close' }
);

export type FromDatabase =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: Record<string, unknown> }
  | { id: 0; ok: 'ready' }
  | { id: 0; ok: 'failed'; error: Record<string, unknown> };

const port = parentPort!;
const { dataDir, startParams } = workerData as PGliteThreadOptions;

/** An open transaction: its handle, how the caller ends it, and the end of PGlite's own callback. */
interface Open {
  tx: Transaction;
  end: (commit: boolean) => void;
  done: Promise<void>;
}
const open = new Map<number, Open>();
const ROLLED_BACK = new Error('rolled back by the caller');
let nextTx = 1;

try {
  if (dataDir) await prepareDataFolder(dataDir);
  const db = await PGlite.create(dataDir, {
    startParams,
    loadDataDir: dataDir ? undefined : emptyClusterInMemory(),
    parsers: { [INT8]: toNumber, [DATE]: (v: string) => v, [TIMESTAMPTZ]: toIso },
    serializers: { [types.DATE]: (v: unknown) => String(v) },
  });
  await db.exec(`SET TIME ZONE 'UTC'`);
  port.on('message', (request: ToDatabase) => {
    answer(db, request).then(
      (value) => port.postMessage({ id: request.id, ok: true, value } satisfies FromDatabase),
      (error: unknown) =>
        port.postMessage({ id: request.id, ok: false, error: described(error) } satisfies FromDatabase),
    );
  });
  port.postMessage({ id: 0, ok: 'ready' } satisfies FromDatabase);
} catch (error) {
  port.postMessage({ id: 0, ok: 'failed', error: described(error) } satisfies FromDatabase);
}

async function answer(db: PGlite, request: ToDatabase): Promise<unknown> {
  const on = request.tx === undefined ? db : transactionOf(request.tx).tx;
  switch (request.op) {
    case 'query':
      return (await on.query(request.text, request.params)).rows;
    case 'exec':
      await on.exec(request.script);
      return undefined;
    case 'copy':
      await on.query(request.text, [], { blob: new Blob([request.csv]) });
      return undefined;
    case 'begin':
      return begin(db);
    case 'end': {
      const { end, done } = transactionOf(request.tx!);
      open.delete(request.tx!);
      end(request.commit);
      try {
        await done;
      } catch (error) {
        if (request.commit || error !== ROLLED_BACK) throw error;
      }
      return undefined;
    }
    case 'close':
      await db.close();
      return undefined;
  }
}

/**
 * Opens a transaction that stays open until the caller's 'end'. PGlite queues every other statement
 * behind it, as it does behind its own transaction callback, which this is: it commits when the
 * callback returns and rolls back when it throws.
 */
function begin(db: PGlite): Promise<number> {
  return new Promise((started, failed) => {
    const id = nextTx++;
    let entered = false;
    const done: Promise<void> = db.transaction(
      (tx) =>
        new Promise<void>((commit, rollBack) => {
          entered = true;
          open.set(id, { tx, done, end: (c) => (c ? commit() : rollBack(ROLLED_BACK)) });
          started(id);
        }),
    );
    done.catch((error: unknown) => {
      if (!entered) failed(error);
    });
  });
}

function transactionOf(tx: number): Open {
  const found = open.get(tx);
  if (!found) throw new Error(`Transaction ${tx} is not open`);
  return found;
}

/** An error as plain values: PostgreSQL's fields (code, detail, constraint…) survive the crossing. */
function described(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: Record<string, unknown> = { message: error.message, name: error.name };
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'object') continue;
    fields[key] = value;
  }
  return fields;
}
