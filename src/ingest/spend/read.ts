import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
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

const SNIFF_BYTES = 64 * 1024;
const HEADER_SEARCH_ROWS = 30;
/** No honest field in a spend file is longer: a longer one is refused as a row. */
const MAX_FIELD_CHARS = 100_000;
/**
 * A record this long means a quote left open that swallows the rest of the file; the parser
 * cannot find its feet after it, so the file is refused rather than read on with rows missing.
 */
const MAX_RECORD_CHARS = 32 * 1024 * 1024;
const DELIMITERS = [',', ';', '\t', '|'];
type RawRecord = { row: number; cells: string[] } | { row: number; error: string };

/**
 * Opens a published spend file and reads it as a stream: memory stays flat whatever the file's size.
 * Problems with the whole file (empty, binary, no header) throw an InputError naming the file;
 * problems with a row are yielded as rejections naming the row and the file's own column heading.
 */
export async function openSpendFile(
  path: string,
  options: ReadOptions = {},
): Promise<{ layout: SpendLayout; items: AsyncGenerator<SpendItem> }> {
  const file = basename(path);
  const head = await firstBytes(path);
  if (head.length === 0) throw new InputError('The file is empty', [], file);
  let source: Pick<SpendLayout, 'format' | 'encoding' | 'delimiter' | 'sheet'>;
  let records: AsyncGenerator<RawRecord>;
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04'))) {
    const sheet = await xlsxRecords(path, file, options.sheet);
    source = { format: 'xlsx', sheet: sheet.name };
    records = sheet.records;
  } else {
    if (head.includes(0))
      throw new InputError('This is not a text file: it looks like a binary file', [], file);
    const encoding = isUtf8(head) ? 'utf-8' : 'windows-1252';
    const delimiter = sniffDelimiter(new TextDecoder(encoding).decode(head));
    source = { format: 'csv', encoding, delimiter };
    records = csvRecords(path, encoding, delimiter);
  }

  // Read by hand rather than with for-await, which would close the stream on leaving the loop.
  const buffered: RawRecord[] = [];
  while (buffered.length < HEADER_SEARCH_ROWS) {
    const next = await records.next();
    if (next.done) break;
    buffered.push(next.value);
  }
  const chosenHeadings = new Set(
    [...Object.values(options.savedColumns ?? {}), ...Object.values(options.columns ?? {})].map((h) =>
      normaliseHeading(h as string),
    ),
  );
  const header = buffered
    .filter((r): r is { row: number; cells: string[] } => 'cells' in r)
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
      buffered.length <= 1
        ? 'The file has no payments in it'
        : `No header row found in the first ${HEADER_SEARCH_ROWS} rows: expected columns such as Date, Amount and Supplier`,
      [],
      file,
    );
  }
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
  };
  const rest = buffered.filter((r) => r.row > header.row);
  if (rest.length === 0 && buffered.length < HEADER_SEARCH_ROWS) {
    throw new InputError('The file has a header row but no payments', [], file);
  }

  async function* items(): AsyncGenerator<SpendItem> {
    const toItem = rowReader(layout, options);
    const item = (record: RawRecord): SpendItem | undefined => {
      if ('error' in record) return reject(record.row, '(whole row)', record.error);
      // Blank rows are layout, not data: neither payments nor refusals.
      return record.cells.every((c) => !c.trim()) ? undefined : toItem(record);
    };
    for (const record of rest) {
      const next = item(record);
      if (next) yield next;
    }
    for await (const record of records) {
      const next = item(record);
      if (next) yield next;
    }
  }
  return { layout, items: items() };
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
  return ({ row, cells }: { row: number; cells: string[] }): SpendItem => {
    const cell = (field: SpendField) => {
      const i = mapping[field];
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const extra = cells.slice(header.length);
    if (cells.length < header.length || extra.some((c) => c.trim())) {
      return reject(
        row,
        '(whole row)',
        `The row has ${cells.length} cells where the header has ${header.length}`,
      );
    }
    const long = cells.findIndex((c) => c.length > MAX_FIELD_CHARS);
    if (long >= 0) {
      const limit = MAX_FIELD_CHARS.toLocaleString('en-GB');
      return reject(row, header[long] ?? '(whole row)', `The value is longer than ${limit} characters`);
    }
    const supplierName = cell('supplierName').replace(/\s+/g, ' ');
    const amount = parseAmount(cell('amount'));
    if (!supplierName && 'value' in amount && cells.some((c) => /^\s*(grand\s+)?totals?\b/i.test(c))) {
      return { kind: 'note', row, note: 'a total row, not a payment: ignored' };
    }
    if ('reason' in amount) return reject(row, heading('amount'), amount.reason);
    const date = parseDate(cell('paidOn'));
    let paidOn: string | undefined;
    let month: string;
    if ('value' in date) {
      paidOn = date.value;
      month = `${date.value.slice(0, 7)}-01`;
    } else if (options.undatedMonth && isMissingDate(cell('paidOn'))) {
      month = `${options.undatedMonth}-01`;
    } else {
      return reject(row, heading('paidOn'), date.reason);
    }
    const optional = (field: SpendField) => cell(field) || undefined;
    const payment: SpendRow = {
      row,
      paidOn,
      month,
      amountPence: amount.value,
      supplierName,
      redacted: isRedactedName(supplierName),
      bodyName: optional('bodyName'),
      supplierId: optional('supplierId'),
      vatNumber: optional('vatNumber'),
      companyNumber: optional('companyNumber'),
      charityNumber: optional('charityNumber'),
      transactionNumber: optional('transactionNumber'),
      expenseArea: optional('expenseArea'),
      expenseType: optional('expenseType'),
      purpose: optional('purpose'),
      categoryCode: optional('categoryCode'),
      categoryLabel: optional('categoryLabel'),
    };
    return { kind: 'payment', payment };
  };
}

function reject(row: number, field: string, reason: string): SpendItem {
  return { kind: 'rejected', rejection: { row, field, reason } };
}

/** The file's records with their spreadsheet row numbers; a record the parser cannot read becomes an error. */
async function* csvRecords(path: string, encoding: string, delimiter: string): AsyncGenerator<RawRecord> {
  const decoder = new TextDecoder(encoding);
  const text = Readable.from(
    (async function* () {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
        yield decoder.decode(chunk as Buffer, { stream: true });
      }
      yield decoder.decode();
    })(),
  );
  const skipped: { row: number; error: string }[] = [];
  let fatal: InputError | undefined;
  const parser = text.pipe(
    parse({
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      max_record_size: MAX_RECORD_CHARS,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (!error) return;
        const row = ((error as CsvError & { records?: number }).records ?? 0) + 1;
        if (error.code === 'CSV_MAX_RECORD_SIZE') {
          fatal = new InputError(
            'A quote is left open: the rest of the file is read as one field',
            [{ row, field: '(whole row)', message: 'Close the quote that starts in this row' }],
            basename(path),
          );
        } else skipped.push({ row, error: error.message });
      },
    }),
  );
  let row = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    if (fatal) throw fatal;
    while (skipped.length) {
      const s = skipped.shift() as { row: number; error: string };
      row++;
      yield { row, error: s.error };
    }
    row++;
    yield { row, cells: record };
  }
  if (fatal) throw fatal;
  for (const s of skipped) yield { row: ++row, error: s.error };
}

/**
 * The rows of one worksheet, streamed. Dates stored as numbers arrive as Excel serials, which
 * parseDate reads; formulas give their last calculated result.
 */
async function xlsxRecords(
  path: string,
  file: string,
  wanted?: string,
): Promise<{ name: string; records: AsyncGenerator<RawRecord> }> {
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
      async function* records(): AsyncGenerator<RawRecord> {
        for (let row = first; !row.done; row = await rows.next()) {
          const values = row.value.values as ExcelJS.CellValue[];
          yield { row: row.value.number, cells: values.slice(1).map(cellText) };
        }
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
