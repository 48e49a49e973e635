import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
  /**
   * A name or label kept once in a dictionary (payee, expense type, area, purpose, category): the
   * database's unique indexes take a few thousand bytes a key. Real ones are under a hundred.
   */
  nameChars: 300,
  /** A supplier's reference, VAT, company or charity number, kept in the payee's key too. */
  identifierChars: 50,
  /** Cells in a row. */
  columns: 500,
  /** An uploaded file's name, in UTF-8 bytes, as file systems allow. */
  fileNameBytes: 255,
};

export const formatted = (n: number) => n.toLocaleString('en-GB');
const megabytes = (bytes: number) => `${formatted(Math.round(bytes / 1024 ** 2))} MB`;

const openZip = promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open);
const openReadStream = (zip: yauzl.ZipFile, entry: yauzl.Entry) =>
  promisify<yauzl.Entry, Readable>(zip.openReadStream.bind(zip))(entry);

/**
 * Refuses a workbook whose parts would unzip past the limits, by its table of contents, then unzips
 * each part once, to nowhere: a part that is damaged, or larger than its table of contents says (a
 * zip bomb's trick), is refused here, where the workbook reader could hang on it or fill memory.
 */
export async function checkWorkbook(path: string, file: string) {
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await openZip(path, { lazyEntries: true, autoClose: false });
    let total = 0;
    const parts: yauzl.Entry[] = [];
    for await (const entry of entries(zip)) {
      total += entry.uncompressedSize;
      if (entry.uncompressedSize > LIMITS.unzippedPartBytes)
        throw new InputError(
          `The workbook's part ${entry.fileName} would unzip to ${megabytes(entry.uncompressedSize)}, more than the ${megabytes(LIMITS.unzippedPartBytes)} a part may be`,
          [],
          file,
        );
      parts.push(entry);
    }
    if (total > LIMITS.unzippedBytes)
      throw new InputError(
        `The workbook would unzip to ${megabytes(total)}, more than the ${megabytes(LIMITS.unzippedBytes)} a spend file may be`,
        [],
        file,
      );
    // yauzl checks that each part unzips to exactly the size declared, and that its data is whole.
    for (const part of parts)
      await pipeline(await openReadStream(zip, part), new Writable({ write: (_c, _e, done) => done() }));
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

/** A row with more cells than any spend file has columns: refused before it fills memory. */
export function tooWide(cells: number, row: number, file: string): InputError {
  return new InputError(
    `Row ${row} has ${formatted(cells)} cells; a spend file has at most ${formatted(LIMITS.columns)} columns`,
    [{ row, field: '(whole row)', message: `At most ${formatted(LIMITS.columns)} cells a row` }],
    file,
  );
}
