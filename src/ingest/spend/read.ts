import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { InputError } from '../../domain/errors.js';
import {
  ColumnChoiceError,
  type ColumnMapping,
  isRedactedName,
  SPEND_FIELDS,
  type SpendField,
  type SpendItem,
  type SpendLayout,
  type SpendRow,
} from '../../domain/spend.js';
import { detectColumns, normaliseHeading } from './columns.js';
import { isMissingDate, parseAmount, parseDate } from './values.js';
import { detached } from './detached.js';
import { checkWorkbook, formatted, LIMITS } from './limits.js';

export interface ReadOptions {
  /** Columns chosen by a person, by heading, over the ones detected; each must be in the file. */
  columns?: Partial<Record<SpendField, string>>;
  /** Columns chosen for earlier files of the body: used where the heading is still there. */
  savedColumns?: Partial<Record<SpendField, string>>;
  /** For XLSX: the worksheet to read; otherwise the first with rows in it. */
  sheet?: string;
  /** yyyy-mm for files whose dates were lost at publication (rows then have a month but no date). */
  undatedMonth?: string;
}

/** Worksheet rows handed on together, as a CSV chunk's records are. */
const XLSX_BATCH = 1_000;
const SNIFF_BYTES = 64 * 1024;
const HEADER_SEARCH_ROWS = 30;
const DELIMITERS = [',', ';', '\t', '|'];
/** Answers a Memo keeps before starting afresh, so a file of all-different values cannot fill memory. */
const MEMO_LIMIT = 20_000;
/** Fields kept in dictionaries, whose index keys are bounded: the longest each may be. */
const DICTIONARY_LIMITS: [SpendField[], number, string][] = [
  [
    ['supplierName', 'expenseArea', 'expenseType', 'purpose', 'categoryCode', 'categoryLabel', 'bodyName'],
    LIMITS.nameChars,
    'a name or label',
  ],
  [
    ['supplierId', 'vatNumber', 'companyNumber', 'charityNumber'],
    LIMITS.identifierChars,
    'a reference number',
  ],
];
type RawRecord = { row: number; cells: string[] } | { row: number; error: string };

/**
 * Opens a published spend file and reads it as a stream: memory stays flat whatever the file's size.
 * Problems with the whole file (empty, binary, no header) throw an InputError naming the file;
 * problems with a row are yielded as rejections naming the row and the file's own column heading.
 */
export async function openSpendFile(
  path: string,
  options: ReadOptions = {},
): Promise<{ layout: SpendLayout; batches: AsyncGenerator<SpendItem[]> }> {
  const file = basename(path);
  const head = await firstBytes(path);
  if (head.length === 0) throw new InputError('The file is empty', [], file);
  let source: Pick<SpendLayout, 'format' | 'encoding' | 'delimiter' | 'sheet'>;
  let records: AsyncGenerator<RawRecord[]>;
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04'))) {
    await checkWorkbook(path, file);
    const sheet = await xlsxRecords(path, file, options.sheet);
    source = { format: 'xlsx', sheet: sheet.name };
    records = sheet.records;
  } else {
    const encoding = sniffEncoding(head);
    if (!encoding) throw new InputError('This is not a text file: it looks like a binary file', [], file);
    const sample = new TextDecoder(encoding).decode(head);
    const delimiter = sniffDelimiter(sample);
    source = { format: 'csv', encoding, delimiter };
    records = csvRecords(path, file, encoding, delimiter, sniffNewline(sample));
  }

  // Read by hand rather than with for-await, which would close the stream on leaving the loop.
  const buffered: RawRecord[] = [];
  let ended = false;
  while (!ended && buffered.filter(isWritten).length <= HEADER_SEARCH_ROWS) {
    const next = await records.next();
    if (next.done) ended = true;
    else for (const record of next.value) buffered.push(record);
  }
  const top = buffered.filter(isWritten).slice(0, HEADER_SEARCH_ROWS);
  const chosenHeadings = new Set(
    [...Object.values(options.savedColumns ?? {}), ...Object.values(options.columns ?? {})].map((h) =>
      normaliseHeading(h as string),
    ),
  );
  const header = top
    .filter((r): r is { row: number; cells: string[] } => 'cells' in r)
    .map((r) => ({ row: r.row, cells: r.cells.map((c) => c.trim()) }))
    .map((r) => ({ ...r, mapping: detectColumns(r.cells) }))
    // How much a row looks like a header: the fields it names, and the headings a person chose.
    .map((r) => ({
      ...r,
      score:
        Object.keys(r.mapping).length + r.cells.filter((c) => chosenHeadings.has(normaliseHeading(c))).length,
      named: r.mapping.amount !== undefined || r.cells.some((c) => chosenHeadings.has(normaliseHeading(c))),
    }))
    .filter((r) => r.score >= 2)
    // A row naming an amount is likelier the header; one without asks which column holds it.
    .sort((a, b) => Number(b.named) - Number(a.named) || b.score - a.score || a.row - b.row)[0];
  if (!header) {
    throw new InputError(
      top.length <= 1
        ? 'The file has no payments in it'
        : `No header row found in the first ${HEADER_SEARCH_ROWS} rows: expected columns such as Date, Amount and Supplier`,
      [],
      file,
    );
  }
  if (header.cells.some((c) => c.includes('\u0000')))
    throw new InputError(
      'The header row holds a NUL character: the file is damaged, or is UTF-16 saved without its byte-order mark',
      [{ row: header.row, field: '(header)', message: 'Save the file again as CSV (UTF-8)' }],
      file,
    );
  const saved = Object.entries(options.savedColumns ?? {}).filter(([, heading]) =>
    header.cells.some((h) => normaliseHeading(h) === normaliseHeading(heading as string)),
  );
  const chosen = { ...Object.fromEntries(saved), ...options.columns };
  const mapping = applyChosenColumns(header.cells, header.mapping, chosen, file, header.row);
  const required: SpendField[] = options.undatedMonth
    ? ['amount', 'supplierName']
    : ['amount', 'supplierName', 'paidOn'];
  const missing = required.filter((f) => mapping[f] === undefined);
  if (missing.length) {
    throw new ColumnChoiceError(
      'Some columns every payment needs were not found',
      missing.map((f) => ({
        row: header.row,
        field: SPEND_FIELDS[f],
        message: 'No column for this; name the column that holds it',
      })),
      file,
      header.cells,
      mapping,
    );
  }
  const layout: SpendLayout = {
    file,
    ...source,
    headerRow: header.row,
    header: header.cells,
    mapping,
    ...(options.undatedMonth ? { undatedMonth: options.undatedMonth } : {}),
  };
  const rest = buffered.filter((r) => r.row > header.row);
  if (ended && !rest.some(isWritten)) {
    throw new InputError('The file has a header row but no payments', [], file);
  }

  async function* batches(): AsyncGenerator<SpendItem[]> {
    const toItem = rowReader(layout, options);
    const items = (records: RawRecord[]): SpendItem[] => {
      const batch: SpendItem[] = [];
      for (const record of records) {
        if ('error' in record) batch.push(reject(record.row, '(whole row)', record.error));
        else if (isWritten(record)) batch.push(toItem(record));
      }
      return batch;
    };
    yield items(rest);
    for await (const more of records) yield items(more);
  }
  return { layout, batches: batches() };
}

/** Blank rows are layout, not data: neither payments nor refusals. */
function isWritten(record: RawRecord): boolean {
  return 'error' in record || record.cells.some((c) => c.trim() !== '');
}

function applyChosenColumns(
  header: string[],
  detected: ColumnMapping,
  chosen: Partial<Record<SpendField, string>>,
  file: string,
  row: number,
): ColumnMapping {
  const mapping = { ...detected };
  const problems = [];
  for (const [field, heading] of Object.entries(chosen) as [SpendField, string][]) {
    const index = header.findIndex((h) => normaliseHeading(h) === normaliseHeading(heading));
    if (index < 0)
      problems.push({ row, field: SPEND_FIELDS[field], message: `There is no column "${heading}"` });
    else mapping[field] = index;
  }
  if (problems.length)
    throw new ColumnChoiceError(
      'The chosen columns are not all in the file',
      problems,
      file,
      header,
      detected,
    );
  return mapping;
}

/** Turns one record into a payment, a rejection or a note, naming fields by the file's own headings. */
function rowReader(layout: SpendLayout, options: ReadOptions) {
  const { mapping, header } = layout;
  const heading = (field: SpendField) => header[mapping[field] as number] ?? SPEND_FIELDS[field];
  // A file repeats its dates and supplier names thousands of times: each is read once.
  const dates = new Memo((text: string) => {
    const date = parseDate(text);
    return 'value' in date ? { ...date, month: `${date.value.slice(0, 7)}-01` } : date;
  });
  const suppliers = new Memo((name: string) => {
    const spaced = name.replace(/\s+/g, ' ');
    return { name: spaced, redacted: isRedactedName(spaced) };
  });
  const cell = (cells: string[], field: SpendField) => {
    const i = mapping[field];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const optional = (cells: string[], field: SpendField) => cell(cells, field) || undefined;
  const overLong = (cells: string[]) => {
    for (const [fields, limit, what] of DICTIONARY_LIMITS)
      for (const field of fields)
        if (cell(cells, field).length > limit)
          return {
            field,
            reason: `The value is longer than the ${formatted(limit)} characters ${what} may be`,
          };
    return undefined;
  };
  return ({ row, cells }: { row: number; cells: string[] }): SpendItem => {
    if (
      cells.length !== header.length &&
      (cells.length < header.length || cells.slice(header.length).some((c) => c.trim()))
    ) {
      return reject(
        row,
        '(whole row)',
        `The row has ${cells.length} cells where the header has ${header.length}`,
      );
    }
    const long = cells.findIndex((c) => c.length > LIMITS.fieldChars);
    if (long >= 0) {
      const limit = formatted(LIMITS.fieldChars);
      return reject(row, header[long] ?? '(whole row)', `The value is longer than ${limit} characters`);
    }
    // Text with a NUL cannot be stored (nor is any council's): the file is damaged here.
    const nul = cells.findIndex((c) => c.includes('\u0000'));
    if (nul >= 0)
      return reject(row, header[nul] ?? '(whole row)', 'The value holds a NUL character (a zero byte)');
    const tooLong = overLong(cells);
    if (tooLong) return reject(row, heading(tooLong.field), tooLong.reason);
    const supplier = suppliers.get(cell(cells, 'supplierName'));
    const amount = parseAmount(cell(cells, 'amount'));
    if (!supplier.name && 'value' in amount && cells.some((c) => /^\s*(grand\s+)?totals?\b/i.test(c))) {
      return { kind: 'note', row, note: 'a total row, not a payment: ignored' };
    }
    if ('reason' in amount) return reject(row, heading('amount'), amount.reason);
    const date = dates.get(cell(cells, 'paidOn'));
    let paidOn: string | undefined;
    let month: string;
    if ('value' in date) {
      paidOn = date.value;
      month = date.month;
    } else if (options.undatedMonth && isMissingDate(cell(cells, 'paidOn'))) {
      month = `${options.undatedMonth}-01`;
    } else {
      return reject(row, heading('paidOn'), date.reason);
    }
    const payment: SpendRow = {
      row,
      paidOn,
      month,
      amountPence: amount.value,
      supplierName: supplier.name,
      redacted: supplier.redacted,
      bodyName: optional(cells, 'bodyName'),
      supplierId: optional(cells, 'supplierId'),
      vatNumber: optional(cells, 'vatNumber'),
      companyNumber: optional(cells, 'companyNumber'),
      charityNumber: optional(cells, 'charityNumber'),
      transactionNumber: optional(cells, 'transactionNumber'),
      expenseArea: optional(cells, 'expenseArea'),
      expenseType: optional(cells, 'expenseType'),
      purpose: optional(cells, 'purpose'),
      categoryCode: optional(cells, 'categoryCode'),
      categoryLabel: optional(cells, 'categoryLabel'),
    };
    return { kind: 'payment', payment };
  };
}

/** A function's answers kept by argument, up to a bound: the same few values recur through a file. */
class Memo<T> {
  private readonly answers = new Map<string, T>();
  constructor(private readonly answer: (text: string) => T) {}

  get(text: string): T {
    let found = this.answers.get(text);
    if (found === undefined) {
      if (this.answers.size >= MEMO_LIMIT) this.answers.clear();
      found = this.answer(text);
      this.answers.set(detached(text), found);
    }
    return found;
  }
}

function reject(row: number, field: string, reason: string): SpendItem {
  return { kind: 'rejected', rejection: { row, field, reason } };
}

/**
 * The file's records, a chunk's worth at a time, with their spreadsheet row numbers; a record the
 * parser cannot read becomes an error. Papa Parse's core parser (Papa.Parser, which its own streamers
 * drive the same way) is fed decoded chunks and hands back where the last complete record ended, so a
 * record split between chunks is read whole next time.
 */
async function* csvRecords(
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
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    yield records(decoder.decode(chunk as Buffer, { stream: true }), false);
  }
  yield records(decoder.decode(), true);
}

/**
 * Text the parser holds unfinished, from the record that opens in row `opened`: a line longer than
 * any row, or a quote left open that swallows the rest of the file. Either way the parser cannot find
 * its feet after it, so the file is refused rather than read on with rows missing.
 */
function checkHeldOpen(partial: string, opened: number, file: string) {
  const breaks = lineBreaks([partial]);
  // An even count of quotes: none is open, so the text is one line that never ends.
  const quoteOpen = (partial.match(/"/g)?.length ?? 0) % 2 === 1;
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
  const what = atEnd
    ? `the ${formatted(swallowed)} ${lines} after it ${swallowed === 1 ? 'is' : 'are'}`
    : swallowed
      ? `the rest of the file (${formatted(swallowed)} ${lines} and more) is`
      : 'the rest of the file is';
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

function tooWide(cells: number, row: number, file: string): InputError {
  return new InputError(
    `Row ${row} has ${formatted(cells)} cells; a spend file has at most ${formatted(LIMITS.columns)} columns`,
    [{ row, field: '(whole row)', message: `At most ${formatted(LIMITS.columns)} cells a row` }],
    file,
  );
}

function lineBreaks(cells: string[]): number {
  // Trimmed first: a row's last value keeps the \r of a CRLF line end (see sniffNewline).
  return cells.reduce((n, c) => n + (c.trimEnd().match(/\r\n|\n|\r/g)?.length ?? 0), 0);
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

type CsvNewline = '\n' | '\r';

/**
 * Lines end at \n, so that files mixing \r\n and \n read whole (a \r left on a row's last value is
 * trimmed with the rest of its spaces); only a file with no \n at all ends them at \r.
 */
function sniffNewline(sample: string): CsvNewline {
  return sample.includes('\r') && !sample.includes('\n') ? '\r' : '\n';
}

/**
 * The rows of one worksheet, streamed. Dates stored as numbers arrive as Excel serials, which
 * parseDate reads; formulas give their last calculated result.
 */
async function xlsxRecords(
  path: string,
  file: string,
  wanted?: string,
): Promise<{ name: string; records: AsyncGenerator<RawRecord[]> }> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'ignore',
    hyperlinks: 'ignore',
  });
  const sheets = workbook[Symbol.asyncIterator]();
  try {
    for (let next = await sheets.next(); !next.done; next = await sheets.next()) {
      const sheet = next.value as ExcelJS.stream.xlsx.WorksheetReader & { name?: string };
      const name = sheet.name ?? '';
      if (wanted && name !== wanted) {
        for await (const _ of sheet) void _;
        continue;
      }
      const rows = sheet[Symbol.asyncIterator]();
      const first = await rows.next();
      if (first.done) continue;
      async function* records(): AsyncGenerator<RawRecord[]> {
        let batch: RawRecord[] = [];
        for (let row = first; !row.done; row = await rows.next()) {
          const values = row.value.values as ExcelJS.CellValue[];
          if (values.length - 1 > LIMITS.columns) throw tooWide(values.length - 1, row.value.number, file);
          batch.push({ row: row.value.number, cells: values.slice(1).map(cellText) });
          if (batch.length === XLSX_BATCH) {
            yield batch;
            batch = [];
          }
        }
        yield batch;
      }
      return { name, records: records() };
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`The workbook cannot be read: ${(error as Error).message}`, [], file);
  }
  throw new InputError(
    wanted
      ? `The workbook has no sheet called "${wanted}" with rows in it`
      : 'The workbook has no rows in it',
    [],
    file,
  );
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    return '';
  }
  return String(value);
}

async function firstBytes(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The text encoding of a file's first bytes: UTF-16 by its byte-order mark (as Excel's "Unicode text"
 * saves), UTF-8 where the bytes are valid as such, else Windows-1252; none for a binary file.
 */
function sniffEncoding(head: Buffer): 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.includes(0)) return undefined;
  return isUtf8(head) ? 'utf-8' : 'windows-1252';
}

function isUtf8(bytes: Buffer): boolean {
  try {
    // stream: true forgives a character cut in two at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The delimiter that splits the first lines into the most, and most equal, pieces. */
function sniffDelimiter(sample: string): string {
  const lines = sample
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(0, 20);
  let best = ',';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const counts = lines.map((l) => l.split(d).length - 1).sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] ?? 0;
    const consistent = counts.filter((c) => c === median).length;
    const score = median * consistent;
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}
