/**
 * Where a spend file is read. The server reads on a worker thread (reader-thread.ts), whose batches are
 * handed on as openSpendFile would, so parsing never holds up the thread that answers requests and
 * stores payments; a command may read on its own thread to save memory.
 */
import { on } from 'node:events';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { InputError, type Problem } from '../../domain/errors.js';
import {
  type ColumnMapping,
  ColumnChoiceError,
  type SpendItem,
  type SpendLayout,
} from '../../domain/spend.js';
import { makeTempFolder } from '../temp-folders.js';
import { startThread } from '../../platform/threads.js';
import { BatchUnpacker, type PackedBatch } from './batch-transfer.js';
import { openSpendFile, type ReadOptions } from './read.js';
import { firstBytes, isWorkbook } from './sniff.js';

/**
 * The reader's heap. It holds a chunk of the file, a batch and its tables of texts, whatever the
 * file's size, but a workbook's shared strings too: the same ceiling as the pathfinder command's.
 */
const READER_HEAP = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 48 };

/** A spend file being read: its layout, its items a batch at a time, and how to stop reading early. */
export interface SpendReader {
  layout: SpendLayout;
  batches: AsyncGenerator<SpendItem[]>;
  /** Safe to call when the batches were read to the end, and more than once. */
  close(): Promise<void>;
}

/** What the reading worker sends. */
export type FromReader =
  | { type: 'layout'; layout: SpendLayout }
  | { type: 'batch'; batch: PackedBatch }
  | { type: 'end' }
  | {
      type: 'refused';
      message: string;
      problems: Problem[];
      file: string | undefined;
      columns?: { header: string[]; mapping: ColumnMapping };
    };

/**
 * openSpendFile, run in a worker thread: the file is read and its rows checked on one core while
 * this thread stores the batch before on the other. Same layout, items and errors. The worker ends
 * when its batches are read to the end or refused; `close` ends it otherwise, and is safe to call anyway.
 */
export async function openSpendFileInWorker(path: string, options: ReadOptions = {}): Promise<SpendReader> {
  // The workbook reader unzips sheets to temporary files that a terminated worker never removes:
  // they go in a folder of the reader's own, removed with it whatever happens.
  const tempDir = await makeTempFolder('read');
  const worker = startReader(path, options, tempDir);
  const ended = async () => {
    await worker.terminate();
    await rm(tempDir, { recursive: true, force: true });
  };
  const messages = on(worker, 'message') as AsyncIterator<[FromReader]>;
  const received = async (): Promise<FromReader> => {
    let next: IteratorResult<[FromReader]>;
    try {
      next = await messages.next();
    } catch (error) {
      throw outOfMemory(error, path) ?? error;
    }
    if (next.done) throw new Error('The spend reader stopped without a word');
    const [message] = next.value;
    if (message.type === 'refused') throw refusal(message);
    return message;
  };
  let first: FromReader;
  try {
    first = await received();
    if (first.type !== 'layout') throw new Error(`The spend reader sent ${first.type} before the layout`);
  } catch (error) {
    await ended();
    throw error;
  }

  async function* batches(): AsyncGenerator<SpendItem[]> {
    const unpacker = new BatchUnpacker();
    // Two batches asked for ahead: each thread then has one to work on while the other is busy.
    worker.postMessage('next');
    worker.postMessage('next');
    try {
      for (let message = await received(); message.type === 'batch'; message = await received()) {
        worker.postMessage('next');
        yield unpacker.unpack(message.batch);
      }
    } finally {
      // Read to the end, or refused: the worker is done with. Left part-way, close() ends it.
      await ended();
    }
  }
  return { layout: first.layout, batches: batches(), close: ended };
}

/**
 * openSpendFile on this thread, for a process that serves no requests: one JavaScript heap fewer, at
 * the cost of reading and storing taking turns. A workbook still goes to a worker, whose unzipped
 * sheets go in a folder removed with it even when the worker is ended part-way.
 */
export async function openSpendFileHere(path: string, options: ReadOptions = {}): Promise<SpendReader> {
  if (isWorkbook(await firstBytes(path))) return openSpendFileInWorker(path, options);
  const { layout, batches } = await openSpendFile(path, options);
  return {
    layout,
    batches,
    async close() {
      await batches.return(undefined);
    },
  };
}

/** A file whose cells or rows need more memory than the reader may have is refused, not a crash. */
function outOfMemory(error: unknown, path: string): InputError | undefined {
  if ((error as { code?: string }).code !== 'ERR_WORKER_OUT_OF_MEMORY') return undefined;
  return new InputError(
    `The file holds a cell or row too large to read within the ${READER_HEAP.maxOldGenerationSizeMb} MB a reader may use: no spend file's values are so long`,
    [],
    basename(path),
  );
}

function refusal(message: Extract<FromReader, { type: 'refused' }>): InputError {
  return message.columns
    ? new ColumnChoiceError(
        message.message,
        message.problems,
        message.file ?? '',
        message.columns.header,
        message.columns.mapping,
      )
    : new InputError(message.message, message.problems, message.file);
}

/**
 * From the compiled JavaScript the worker is its own file; run from TypeScript source (tests, the
 * pathfinder script) it needs tsx's loader, which a worker does not inherit in Node 20.
 */
function startReader(path: string, options: ReadOptions, tempDir: string): Worker {
  return startThread(import.meta.url, './reader-thread', {
    workerData: { path, options, tempDir },
    resourceLimits: READER_HEAP,
  });
}
