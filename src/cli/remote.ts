import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { InputError } from '../domain/errors.js';
import type { SpendImportReport } from '../store/spend.js';

export interface RemoteImport {
  bodyCode: string;
  month?: string | undefined;
  sheet?: string | undefined;
  confirmOtherBody?: boolean | undefined;
  columns: Record<string, string>;
}

/**
 * Uploads a spend file to a Pathfinder server through its API, as the token's user: how a council
 * officer sends next month's file from their own machine. The server queues it as it does a web
 * upload; its progress is followed (`onProgress` hears the rows read so far) until it ends. The
 * server's refusal comes back as the same InputError a local import gives, naming the file, row and field.
 */
export async function uploadSpend(
  server: string,
  token: string,
  file: string,
  options: RemoteImport,
  onProgress?: (rowsRead: number) => void,
): Promise<SpendImportReport> {
  const form = new FormData();
  if (options.month) form.set('month', options.month);
  if (options.sheet) form.set('sheet', options.sheet);
  if (options.confirmOtherBody) form.set('confirmOtherBody', 'yes');
  for (const [field, heading] of Object.entries(options.columns)) form.set(`column.${field}`, heading);
  form.set('file', await openAsBlob(file), basename(file));
  const url = new URL(`/api/v1/bodies/${encodeURIComponent(options.bodyCode)}/spend-imports`, server);
  const authorization = `Bearer ${token}`;
  const sent = await fetch(url, {
    method: 'POST',
    headers: { authorization, prefer: 'respond-async' },
    body: form,
  });
  let job = await answerOf<Job>(sent, 202, file);
  const address = new URL(sent.headers.get('location') ?? `/api/v1/spend-import-jobs/${job.id}`, server);
  while (job.state === 'queued' || job.state === 'running') {
    await setTimeout(POLL_MS);
    job = await answerOf<Job>(await fetch(address, { headers: { authorization } }), 200, file);
    if (job.progress) onProgress?.(job.progress.rowsRead);
  }
  if (job.state === 'failed' || !job.report)
    throw new InputError(
      job.problem?.message ?? 'The server refused the file',
      job.problem?.problems ?? [],
      file,
    );
  return answerOf<SpendImportReport>(
    await fetch(new URL(job.report, server), { headers: { authorization } }),
    200,
    file,
  );
}

/** How often a queued import is asked after: often enough for a progress bar, rarely enough to cost nothing. */
const POLL_MS = 500;

interface Job {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  progress?: { rowsRead: number };
  report?: string;
  problem?: { message: string; problems: InputError['problems'] };
}

async function answerOf<T>(res: Response, expected: number, file: string): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as T & {
    error?: string;
    problems?: InputError['problems'];
  };
  if (res.status === expected) return body;
  if (res.status === 422)
    throw new InputError(body.error ?? 'The server refused the file', body.problems ?? [], file);
  throw new Error(`${new URL(res.url).origin} answered ${res.status}: ${body.error ?? res.statusText}`);
}
