/**
 * The calling side of the embedded database: a channel that asks it statements, scripts and
 * transactions. The server's database runs on a thread of its own (pglite-thread.ts), so this thread
 * stays free to answer requests while a statement runs; a command that answers none runs it here.
 */
import type { Worker } from 'node:worker_threads';
import { startThread } from '../platform/threads.js';
import {
  type DatabaseRequest,
  openPGliteSession,
  type PGliteOptions,
  type ToDatabase,
} from './pglite-session.js';
import type { FromDatabase } from './pglite-thread.js';

export interface PGliteChannel {
  ask<T>(request: DatabaseRequest): Promise<T>;
  /** Runs fn in a transaction, given its id: committed if fn returns, rolled back if it throws. */
  transaction<T>(fn: (tx: number) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The embedded database on this thread: one JavaScript heap fewer (60–80 MB during an import), but
 * every statement holds this thread until it ends, so only for a process that serves no requests.
 */
export async function openPGliteHere(options: PGliteOptions): Promise<PGliteChannel> {
  const answer = await openPGliteSession(options);
  let closed = false;
  const ask = async <T>(request: DatabaseRequest): Promise<T> => {
    if (closed) throw new Error('The embedded database is closed');
    return (await answer(request)) as T;
  };
  return {
    ask,
    transaction: (fn) => inTransaction(ask, fn),
    async close() {
      if (closed) return;
      await ask({ op: 'close' });
      closed = true;
    },
  };
}

export async function startPGliteThread(options: PGliteOptions): Promise<PGliteChannel> {
  const worker: Worker = startThread(import.meta.url, './pglite-thread', { workerData: options });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let stopped: Error | undefined;
  let nextId = 1;

  await new Promise<void>((ready, failed) => {
    const exited = (code: number) =>
      failed(new Error(`The embedded database stopped as it opened (exit code ${code})`));
    const first = (message: FromDatabase) => {
      worker.off('error', failed);
      worker.off('exit', exited);
      if (message.ok === 'ready') ready();
      else failed(asError(message.ok === 'failed' ? message.error : { message: 'no answer' }));
    };
    worker.once('message', first);
    worker.once('error', failed);
    worker.once('exit', exited);
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  // Idle, the thread does not keep the process alive; while a statement is out it must, or a script
  // awaiting its rows with nothing else to do would end before they came.
  worker.unref();

  const forget = (id: number) => {
    waiting.delete(id);
    if (waiting.size === 0) worker.unref();
  };
  worker.on('message', (message: FromDatabase) => {
    const asked = waiting.get(message.id);
    if (!asked) return;
    forget(message.id);
    if (message.ok === true) asked.resolve(message.value);
    else if (message.ok === false) asked.reject(asError(message.error));
  });
  let closing = false;
  const stop = (error: Error) => {
    if (stopped) return;
    stopped = error;
    // Every later statement fails with this; said once here too, so that a server whose database
    // has gone is seen to have lost it, not only by the next person to load a page.
    if (!closing) console.error(error.message);
    for (const asked of waiting.values()) asked.reject(error);
    waiting.clear();
  };
  worker.on('error', (error) => stop(new Error(`The embedded database stopped: ${error.message}`)));
  worker.on('exit', (code) =>
    stop(
      new Error(
        closing ? 'The embedded database is closed' : `The embedded database stopped (exit code ${code})`,
      ),
    ),
  );

  const ask = <T>(request: DatabaseRequest): Promise<T> => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    if (waiting.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        worker.postMessage({ ...request, id } as ToDatabase);
      } catch (error) {
        // A parameter that cannot be copied (a function, say): nothing was sent, so nothing is awaited.
        forget(id);
        reject(error as Error);
      }
    });
  };

  return {
    ask,
    transaction: (fn) => inTransaction(ask, fn),
    async close() {
      if (!stopped) await ask({ op: 'close' });
      closing = true;
      await worker.terminate();
    },
  };
}

/** PostgreSQL's fields (code, detail, constraint…) on an Error of this thread. */
function asError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message)), fields);
}

/** Begins a transaction, runs fn in it and ends it: committed if fn returns, rolled back if it throws. */
async function inTransaction<T>(ask: PGliteChannel['ask'], fn: (tx: number) => Promise<T>): Promise<T> {
  const tx = await ask<number>({ op: 'begin' });
  let result;
  try {
    result = await fn(tx);
  } catch (error) {
    await ask({ op: 'end', tx, commit: false }).catch(() => {});
    throw error;
  }
  await ask({ op: 'end', tx, commit: true });
  return result;
}
