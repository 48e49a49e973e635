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
import { importSpendFile } from '../services/import-spend.js';
import type { Sql } from '../store/db.js';
import type { SpendImportReport } from '../store/spend.js';

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
 * Imports the spend file of an upload form (`file`; `month` for files without dates; `sheet` for a
 * workbook's sheet; `column.FIELD` to choose columns; `confirmOtherBody=yes` to store a file held
 * for another body too) for a body, then removes the temporary copy. `onFields` hears the form's other fields as soon as they are read,
 * so that a page can show them again if the file is refused.
 */
export async function importUploadedSpend(
  db: Sql,
  request: FastifyRequest,
  bodyCode: string,
  onFields?: (fields: Record<string, string>) => void,
): Promise<SpendImportReport> {
  const actor = actorOf(signedIn(request));
  const upload = await receiveUpload(request);
  onFields?.(upload.fields);
  try {
    return await importSpendFile(db, actor, upload.path, {
      bodyCode,
      undatedMonth: upload.fields.month?.trim() || undefined,
      sheet: upload.fields.sheet?.trim() || undefined,
      confirmOtherBody: upload.fields.confirmOtherBody === 'yes',
      columns: chosenColumns(upload.fields),
    });
  } finally {
    await upload.discard();
  }
}
