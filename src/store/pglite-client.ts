/**
 * The calling side of pglite-thread.ts: statements are sent to the embedded database's own thread
 * and their rows come back, so this thread stays free to answer requests while one runs.
 */
import type { Worker } from 'node:worker_threads';
import { startThread } from '../platform/threads.js';
import type { FromDatabase, PGliteThreadOptions, ToDatabase } from './pglite-thread.js';

/** Each kind of request without its id, which the client gives it. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<ToDatabase>;

export interface PGliteThread {
  ask<T>(request: Request): Promise<T>;
  /** Runs fn in a transaction on the thread, given its id: committed if fn returns, rolled back if it throws. */
  transaction<T>(fn: (tx: number) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startPGliteThread(options: PGliteThreadOptions): Promise<PGliteThread> {
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

  const ask = <T>(request: Request): Promise<T> => {
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
    async transaction(fn) {
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
    },
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
