/**
 * The embedded database and what may be asked of it: a statement, a script, a COPY, or a transaction
 * opened, used by its id and ended, as PGlite's own transaction callback. The server asks it on a
 * thread of its own (pglite-thread.ts); a command that answers no requests asks it on its own thread
 * (pglite-client.ts), saving the memory of a second JavaScript heap.
 */
import { PGlite, type Transaction, types } from '@electric-sql/pglite';
import { emptyClusterInMemory, prepareDataFolder } from './empty-cluster.js';
import { DATE, INT8, TIMESTAMPTZ, toIso, toNumber } from './values.js';

export interface PGliteOptions {
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

/** Each kind of request without the id its sender gives it. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type DatabaseRequest = WithoutId<ToDatabase>;

/** An open transaction: its handle, how the caller ends it, and the end of PGlite's own callback. */
interface Open {
  tx: Transaction;
  end: (commit: boolean) => void;
  done: Promise<void>;
}
const ROLLED_BACK = new Error('rolled back by the caller');

/** Opens the embedded database; the function returned answers each request with its value. */
export async function openPGliteSession(
  options: PGliteOptions,
): Promise<(request: DatabaseRequest) => Promise<unknown>> {
  const { dataDir, startParams } = options;
  if (dataDir) await prepareDataFolder(dataDir);
  const db = await PGlite.create(dataDir, {
    startParams,
    loadDataDir: dataDir ? undefined : emptyClusterInMemory(),
    parsers: { [INT8]: toNumber, [DATE]: (v: string) => v, [TIMESTAMPTZ]: toIso },
    serializers: { [types.DATE]: (v: unknown) => String(v) },
  });
  await db.exec(`SET TIME ZONE 'UTC'`);
  const open = new Map<number, Open>();
  let nextTx = 1;

  const transactionOf = (tx: number): Open => {
    const found = open.get(tx);
    if (!found) throw new Error(`Transaction ${tx} is not open`);
    return found;
  };

  /**
   * Opens a transaction that stays open until the caller's 'end'. PGlite queues every other statement
   * behind it, as it does behind its own transaction callback, which this is: it commits when the
   * callback returns and rolls back when it throws.
   */
  const begin = () =>
    new Promise<number>((started, failed) => {
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

  return async (request) => {
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
        return begin();
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
  };
}
