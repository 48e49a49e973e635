import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { InputError } from '../domain/errors.js';

/** An uploaded spend file saved to a private temporary folder, with the form's other fields. */
export interface Upload {
  path: string;
  fields: Record<string, string>;
  /** Removes the temporary copy; call it whatever happens. */
  discard(): Promise<void>;
}

/**
 * Saves the one file of a multipart form under its own name (so reports name the file the user
 * chose), keeping memory flat however large the file.
 */
export async function receiveUpload(request: FastifyRequest): Promise<Upload> {
  const folder = await mkdtemp(join(tmpdir(), 'pathfinder-upload-'));
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
        path = join(folder, basename(part.filename).replace(/[^\w.\- ()]/g, '_') || 'upload.csv');
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
  if (!path) {
    await discard();
    throw new InputError('Choose a spend file to upload', [
      { field: 'file', message: 'Choose a spend file to upload' },
    ]);
  }
  return { path, fields, discard };
}
