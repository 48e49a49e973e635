import ExcelJS from 'exceljs';
import { neutralise } from './csv.js';
import type { Table } from './table.js';

/** A workbook with a sheet per table, formula-like text neutralised as in CSV. */
export async function tablesToXlsx(tables: Table[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Pathfinder';
  for (const table of tables) {
    // Sheet names are at most 31 characters and may not hold some punctuation.
    const sheet = workbook.addWorksheet(table.title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31));
    sheet.addRow(table.header).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row.map(neutralise));
    sheet.columns.forEach((column) => {
      column.width = Math.min(
        60,
        Math.max(10, ...(column.values ?? []).map((v) => String(v ?? '').length + 2)),
      );
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
