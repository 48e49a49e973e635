/**
 * The worker thread's side of spend-file reading, started by open-in-thread.ts for one file. It sends the
 * layout, then a packed batch each time it is asked for one, so it reads only as far ahead as it is asked to.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../../domain/errors.js';
import { ColumnChoiceError } from '../../domain/spend.js';
import { BatchPacker } from './batch-transfer.js';
import { openSpendFile, type ReadOptions } from './read.js';
import type { FromReader } from './open-in-thread.js';

const port = parentPort as NonNullable<typeof parentPort>;
const send = (message: FromReader, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const { path, options, tempDir } = workerData as { path: string; options: ReadOptions; tempDir: string };
// The workbook reader's temporary files (through the tmp package, which asks os.tmpdir() each time)
// go to the folder the other side removes: a worker's environment cannot change os.tmpdir() itself.
os.tmpdir = () => tempDir;

try {
  const { layout, batches } = await openSpendFile(path, options);
  send({ type: 'layout', layout });
  const packer = new BatchPacker();
  port.on('message', async () => {
    try {
      const next = await batches.next();
      if (next.done) return send({ type: 'end' });
      const { batch, transfer } = packer.pack(next.value);
      send({ type: 'batch', batch }, transfer);
    } catch (error) {
      fail(error);
    }
  });
} catch (error) {
  fail(error);
}

/** Input errors go back as they are, to be raised again on the other side; anything else is a crash. */
function fail(error: unknown) {
  if (!(error instanceof InputError)) throw error;
  send({
    type: 'refused',
    message: error.message,
    problems: error.problems,
    file: error.file,
    ...(error instanceof ColumnChoiceError
      ? { columns: { header: error.header, mapping: error.mapping } }
      : {}),
  });
}
