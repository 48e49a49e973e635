/**
 * Starting a module on a worker thread, from its compiled .js (npm start, the built command) or its
 * .ts source (tests and scripts run under tsx): the spend reader and the business-case figures each
 * run on one, so the thread that answers requests is never the one doing the heavy work.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts `name` (a path without extension, relative to the caller's `from`, its import.meta.url). */
export function startThread(from: string, name: string, options: WorkerOptions = {}): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`${name}.js`, from), options);
  const entry = JSON.stringify(new URL(`${name}.ts`, from).href);
  // Resolved from here, not from wherever the process was started.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); })`, {
    ...options,
    eval: true,
  });
}
