import ExcelJS from 'exceljs';
import { InputError } from '../../domain/errors.js';
import { LIMITS, tooWide } from './limits.js';
import type { RawRecord } from './row-reader.js';

/** Worksheet rows handed on together, as a CSV chunk's records are. */
const XLSX_BATCH = 1_000;

/**
 * The rows of one worksheet, streamed. Dates stored as numbers arrive as Excel serials, which
 * parseDate reads; formulas give their last calculated result.
 */
export async function xlsxRecords(
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
