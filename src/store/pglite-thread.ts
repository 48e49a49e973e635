/**
 * The embedded database on a worker thread of its own. PGlite runs each statement to its end on the
 * thread that calls it: on the server's thread an import's index build or a report's scan would hold
 * up every other request, even pages answered from memory. Here it holds up only this thread.
 *
 * The calling side (pglite-client.ts) sends one request at a time per caller and gets one answer each.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openPGliteSession, type PGliteOptions, type ToDatabase } from './pglite-session.js';

export type FromDatabase =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: Record<string, unknown> }
  | { id: 0; ok: 'ready' }
  | { id: 0; ok: 'failed'; error: Record<string, unknown> };

const port = parentPort!;

try {
  const answer = await openPGliteSession(workerData as PGliteOptions);
  port.on('message', (request: ToDatabase) => {
    answer(request).then(
      (value) => port.postMessage({ id: request.id, ok: true, value } satisfies FromDatabase),
      (error: unknown) =>
        port.postMessage({ id: request.id, ok: false, error: described(error) } satisfies FromDatabase),
    );
  });
  port.postMessage({ id: 0, ok: 'ready' } satisfies FromDatabase);
} catch (error) {
  port.postMessage({ id: 0, ok: 'failed', error: described(error) } satisfies FromDatabase);
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
