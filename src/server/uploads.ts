import { signedIn } from './access.js';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { InputError } from '../domain/errors.js';
import { fieldWithControlCharacter } from '../domain/validation.js';
import { LIMITS } from '../ingest/spend/limits.js';
import { makeTempFolder } from '../ingest/temp-folders.js';
import { actorOf } from '../services/accounts.js';
import type { Body } from '../domain/bodies.js';
import type { SpendImportQueue } from '../services/import-queue.js';
import type { ImportProgress } from '../services/store-spend.js';
import type { ImportJob } from '../store/import-jobs.js';

/** An uploaded spend file saved to a private temporary folder, with the form's other fields. */
interface Upload {
  path: string;
  fields: Record<string, string>;
  /** Removes the temporary copy; call it whatever happens. */
  discard(): Promise<void>;
}

/**
 * Saves the one file of a multipart form under its own name (so reports name the file the user
 * chose), keeping memory flat however large the file.
 */
async function receiveUpload(request: FastifyRequest): Promise<Upload> {
  const folder = await makeTempFolder('upload');
  const discard = () => rm(folder, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  let path: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (path || !part.filename) {
          part.file.resume();
          continue;
        }
        const name = basename(part.filename);
        if (Buffer.byteLength(name) > LIMITS.fileNameBytes) {
          part.file.resume();
          throw new InputError(
            `The file's name is longer than the ${LIMITS.fileNameBytes} characters a file name may be: rename it and upload it again`,
            [{ field: 'file', message: `At most ${LIMITS.fileNameBytes} characters` }],
            `${name.slice(0, 60)}…`,
          );
        }
        path = join(folder, name.replace(/[^\w.\- ()]/g, '_') || 'upload.csv');
        await pipeline(part.file, createWriteStream(path));
        if (part.file.truncated)
          throw new InputError('The file is larger than the 1 GB an upload may be', [], part.filename);
      } else {
        fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (error) {
    await discard();
    throw error;
  }
  // The form's other fields pass the same check as any form's (see control-characters.ts).
  const field = fieldWithControlCharacter(fields, 'form');
  if (field) {
    await discard();
    throw new InputError('A field holds a control character, which no field may hold', [
      { field: field.slice('form.'.length), message: 'Remove the control character and send it again' },
    ]);
  }
  if (!path) {
    await discard();
    throw new InputError('Choose a spend file to upload', [
      { field: 'file', message: 'Choose a spend file to upload' },
    ]);
  }
  return { path, fields, discard };
}

/** Form fields named `column.FIELD` choose the column, by heading, that holds FIELD; blank leaves it to detection. */
function chosenColumns(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).flatMap(([name, heading]) =>
      name.startsWith('column.') && heading.trim() ? [[name.slice('column.'.length), heading.trim()]] : [],
    ),
  );
}

/**
 * Queues the spend file of an upload form (`file`; `month` for files without dates; `sheet` for a
 * workbook's sheet; `column.FIELD` to choose columns; `confirmOtherBody=yes` to store a file held
 * for another body too; `submission`, the form's one-time token) for a body's import, answering the
 * job and, while it has not ended, its outcome.
 */
export async function queueUploadedSpend(queue: SpendImportQueue, request: FastifyRequest, body: Body) {
  const actor = actorOf(signedIn(request));
  const upload = await receiveUpload(request);
  const { submission, ...form } = upload.fields;
  return queue.submit({
    bodyCode: body.code,
    bodyName: body.name,
    path: upload.path,
    name: basename(upload.path),
    options: {
      bodyCode: body.code,
      undatedMonth: form.month?.trim() || undefined,
      sheet: form.sheet?.trim() || undefined,
      confirmOtherBody: form.confirmOtherBody === 'yes',
      columns: chosenColumns(form),
    },
    form,
    submission: submission?.trim() || undefined,
    actor,
    discard: upload.discard,
  });
}

/** A job as the API shows it: its state, its progress while it runs, and how it ended. */
export function jobAnswer(found: { job: ImportJob; progress?: ImportProgress }) {
  const { job, progress } = found;
  return {
    id: job.id,
    bodyCode: job.bodyCode,
    bodyName: job.bodyName,
    file: job.file,
    state: job.state,
    submittedAt: job.submittedAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(progress ? { progress } : {}),
    ...(job.importId ? { importId: job.importId, report: `/api/v1/spend-imports/${job.importId}` } : {}),
    ...(job.problem ? { problem: job.problem } : {}),
  };
}
