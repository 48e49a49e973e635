import { basename } from 'node:path';
import { InputError } from '../../domain/errors.js';
import {
  ColumnChoiceError,
  type ColumnMapping,
  SPEND_FIELDS,
  type SpendField,
  type SpendItem,
  type SpendLayout,
} from '../../domain/spend.js';
import { detectColumns, normaliseHeading } from './columns.js';
import { csvRecords } from './csv.js';
import { checkWorkbook } from './limits.js';
import { type RawRecord, reject, rowReader } from './row-reader.js';
import { firstBytes, isWorkbook, sniffDelimiter, sniffFileEncoding, sniffNewline } from './sniff.js';
import { xlsxRecords } from './xlsx.js';

/**
 * Reading a published spend file, whatever its format: sniff.ts tells CSV from a workbook, csv.ts and
 * xlsx.ts turn each into records, this module finds the header row and the columns, and row-reader.ts
 * turns each record into a payment or a refusal.
 */
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

const HEADER_SEARCH_ROWS = 30;

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
  if (isWorkbook(head)) {
    await checkWorkbook(path, file);
    const sheet = await xlsxRecords(path, file, options.sheet);
    source = { format: 'xlsx', sheet: sheet.name };
    records = sheet.records;
  } else {
    const encoding = await sniffFileEncoding(path, head);
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
    .map((r) => ({ ...r, ...detectColumns(r.cells) }))
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
  // Found one letter out and kept: the report says which, for a person to check.
  const nearMatches = header.near.filter((f) => mapping[f] === header.mapping[f]);
  const layout: SpendLayout = {
    file,
    ...source,
    headerRow: header.row,
    header: header.cells,
    mapping,
    ...(nearMatches.length ? { nearMatches } : {}),
    ...(options.undatedMonth ? { undatedMonth: options.undatedMonth } : {}),
  };
  const rest = buffered.filter((r) => r.row > header.row);
  if (ended && !rest.some(isWritten)) {
    throw new InputError('The file has a header row but no payments', [], file);
  }

  async function* batches(): AsyncGenerator<SpendItem[]> {
    const toItem = rowReader(layout, options.undatedMonth);
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
