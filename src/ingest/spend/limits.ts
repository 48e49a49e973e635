import { promisify } from 'node:util';
import yauzl from 'yauzl';
import { InputError } from '../../domain/errors.js';

/**
 * What a spend file may hold, each far beyond any honest file and each refused by name: a council's
 * year of payments is a few hundred thousand rows of a few hundred characters, some 150 MB unzipped.
 */
export const LIMITS = {
  /** All a workbook's parts, unzipped: beyond this it is a zip bomb, not a year of payments. */
  unzippedBytes: 1024 ** 3,
  /** One part of a workbook (a sheet, its shared strings), unzipped. */
  unzippedPartBytes: 512 * 1024 ** 2,
  /** A line without a line break: a file with none is not a table. */
  lineChars: 1024 ** 2,
  /** A record held open by a quote, across lines, before the file is refused. */
  recordChars: 32 * 1024 ** 2,
  /** A value: a longer one is refused as a row. */
  fieldChars: 100_000,
  /** Cells in a row. */
  columns: 500,
  /** An uploaded file's name, in UTF-8 bytes, as file systems allow. */
  fileNameBytes: 255,
};

export const formatted = (n: number) => n.toLocaleString('en-GB');
const megabytes = (bytes: number) => `${formatted(Math.round(bytes / 1024 ** 2))} MB`;

const openZip = promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open);

/**
 * Reads a workbook's table of contents (no part is unzipped) and refuses one whose parts would
 * unzip past the limits. Parts that lie about their size are caught by the reader's own heap limit.
 */
export async function checkWorkbookSize(path: string, file: string) {
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await openZip(path, { lazyEntries: true, autoClose: false });
    let total = 0;
    for await (const entry of entries(zip)) {
      total += entry.uncompressedSize;
      if (entry.uncompressedSize > LIMITS.unzippedPartBytes)
        throw new InputError(
          `The workbook's part ${entry.fileName} would unzip to ${megabytes(entry.uncompressedSize)}, more than the ${megabytes(LIMITS.unzippedPartBytes)} a part may be`,
          [],
          file,
        );
    }
    if (total > LIMITS.unzippedBytes)
      throw new InputError(
        `The workbook would unzip to ${megabytes(total)}, more than the ${megabytes(LIMITS.unzippedBytes)} a spend file may be`,
        [],
        file,
      );
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`The workbook cannot be read: ${(error as Error).message}`, [], file);
  } finally {
    zip?.close();
  }
}

async function* entries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const next = new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      zip.once('entry', resolve);
      zip.once('end', () => resolve(undefined));
      zip.once('error', reject);
    });
    zip.readEntry();
    const entry = await next;
    zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
    if (!entry) return;
    yield entry;
  }
}
