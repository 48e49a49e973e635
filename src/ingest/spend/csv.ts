import { createReadStream } from 'node:fs';
import Papa from 'papaparse';
import { InputError } from '../../domain/errors.js';
import { formatted, LIMITS, tooWide } from './limits.js';
import type { RawRecord } from './row-reader.js';
import type { CsvNewline } from './sniff.js';

/**
 * The file's records, a chunk's worth at a time, with their spreadsheet row numbers; a record the
 * parser cannot read becomes an error. Papa Parse's core parser (Papa.Parser, which its own streamers
 * drive the same way) is fed decoded chunks and hands back where the last complete record ended, so a
 * record split between chunks is read whole next time.
 */
export async function* csvRecords(
  path: string,
  file: string,
  encoding: string,
  delimiter: string,
  newline: CsvNewline,
): AsyncGenerator<RawRecord[]> {
  const parser = new Papa.Parser({ delimiter, newline });
  const decoder = new TextDecoder(encoding);
  let partial = '';
  let row = 0;
  const records = (text: string, last: boolean): RawRecord[] => {
    const input = partial + text;
    const { data, errors, meta } = parser.parse(input, 0, !last) as Papa.ParseResult<string[]>;
    partial = last ? '' : input.slice(meta.cursor);
    const faults = new Map(errors.map((e) => [e.row, e.code]));
    const opened = row + data.length + 1;
    checkHeldOpen(partial, opened, file);
    return data.map((cells, i) => {
      row++;
      if (cells.length > LIMITS.columns) throw tooWide(cells.length, row, file);
      const fault = faults.get(i);
      // A quote never closed at the end of the file has read every line after it into one value.
      if (fault === 'MissingQuotes') throw quoteLeftOpen(row, lineBreaks(cells), file, true);
      const problem = quoteFault(fault, cells);
      return problem ? { row, error: problem } : { row, cells };
    });
  };
  // 64 kB reads: decoding a megabyte at a time had ICU allocate 6 MB beside it per read, and a
  // million-row import took 28–30 s rather than 22 s.
  let unread = '';
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
    unread += decoder.decode(chunk as Buffer, { stream: true });
    // A record held open is parsed again from its start with every read: waiting for as much new
    // text as is held (up to a megabyte) keeps a long one from costing time by the square of its length.
    if (unread.length >= Math.min(partial.length, 1 << 20)) {
      yield records(unread, false);
      unread = '';
    }
  }
  yield records(unread + decoder.decode(), true);
}

/**
 * Text the parser holds unfinished, from the record that opens in row `opened`: a line longer than
 * any row, or a quote left open that swallows the rest of the file. Either way the parser cannot find
 * its feet after it, so the file is refused rather than read on with rows missing.
 */
function checkHeldOpen(partial: string, opened: number, file: string) {
  const breaks = lineBreaks([partial]);
  // An even count of quotes: none is open, so the text is one line that never ends.
  const quoteOpen = occurrences(partial, /"/g) % 2 === 1;
  if (!breaks && !quoteOpen && partial.length > LIMITS.lineChars)
    throw new InputError(
      `Row ${opened} runs on for more than ${formatted(LIMITS.lineChars)} characters without a line break: this is not a table of payments`,
      [
        {
          row: opened,
          field: '(whole row)',
          message: `A row may be at most ${formatted(LIMITS.lineChars)} characters`,
        },
      ],
      file,
    );
  if (partial.length > LIMITS.recordChars) throw quoteLeftOpen(opened, breaks, file, false);
}

/** `atEnd`: the file ended inside the quote, so the lines counted are all it swallowed. */
function quoteLeftOpen(row: number, swallowed: number, file: string, atEnd: boolean): InputError {
  const lines = swallowed === 1 ? 'line' : 'lines';
  const what = !swallowed
    ? 'the rest of the file is'
    : atEnd
      ? `the ${formatted(swallowed)} ${lines} after it ${swallowed === 1 ? 'is' : 'are'}`
      : `the rest of the file (${formatted(swallowed)} ${lines} and more) is`;
  return new InputError(
    `A quote opened in row ${row} is never closed, so ${what} read as one value`,
    [
      {
        row,
        field: '(whole row)',
        message: 'Close the quote that opens in this row, then import the file again',
      },
    ],
    file,
  );
}

function lineBreaks(cells: string[]): number {
  // Less one at the end: a row's last value keeps the \r of a CRLF line end (see sniffNewline).
  const breaks = /\r\n|\n|\r/g;
  return cells.reduce((n, c) => n + occurrences(c, breaks) - (/(\r\n|\n|\r)$/.test(c) ? 1 : 0), 0);
}

/** Counted one at a time: held text may be millions of quotes or lines, too many to list at once. */
function occurrences(text: string, pattern: RegExp): number {
  let n = 0;
  pattern.lastIndex = 0;
  while (pattern.exec(text)) n++;
  return n;
}

/**
 * What is wrong with a record the parser flagged, or undefined if it was read well after all: a
 * quote inside a quoted value ("Smith "Joinery" Ltd") is kept as written, but a value left open
 * swallows the lines after it, which the report must say.
 */
function quoteFault(code: string | undefined, cells: string[]): string | undefined {
  if (code === undefined) return undefined;
  if (code !== 'InvalidQuotes') return 'The row cannot be read';
  const swallowed = lineBreaks(cells);
  if (!swallowed) return undefined;
  const lines = swallowed === 1 ? 'line was' : `${swallowed} lines were`;
  return `A quote in this row is not closed where it should be, so the file's next ${lines} read into this row: correct the quotes and import the file again`;
}
