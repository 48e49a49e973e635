import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
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
 * officer sends next month's file from their own machine. The server's refusal comes back as the
 * same InputError a local import gives, naming the file, row and field.
 */
export async function uploadSpend(server: string, token: string, file: string, options: RemoteImport) {
  const form = new FormData();
  if (options.month) form.set('month', options.month);
  if (options.sheet) form.set('sheet', options.sheet);
  if (options.confirmOtherBody) form.set('confirmOtherBody', 'yes');
  for (const [field, heading] of Object.entries(options.columns)) form.set(`column.${field}`, heading);
  form.set('file', await openAsBlob(file), basename(file));
  const url = new URL(`/api/v1/bodies/${encodeURIComponent(options.bodyCode)}/spend-imports`, server);
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json().catch(() => ({}))) as SpendImportReport & {
    error?: string;
    problems?: InputError['problems'];
  };
  if (res.status === 201) return body as SpendImportReport;
  if (res.status === 422)
    throw new InputError(body.error ?? 'The server refused the file', body.problems ?? [], file);
  throw new Error(`${url.origin} answered ${res.status}: ${body.error ?? res.statusText}`);
}
