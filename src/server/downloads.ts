import type { FastifyReply } from 'fastify';
import { toCsv } from '../export/csv.js';
import type { Table } from '../export/table.js';
import { tablesToXlsx } from '../export/xlsx.js';

/** Sends tables as a download: every table as sheets of one workbook, or the first as CSV. */
export async function sendTables(
  reply: FastifyReply,
  tables: Table[],
  format: 'csv' | 'xlsx',
  fileName: string,
) {
  if (format === 'xlsx') {
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${fileName}.xlsx"`)
      .send(await tablesToXlsx(tables));
  }
  const [first] = tables as [Table];
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}-${first.name}.csv"`)
    .send(toCsv(first.header, first.rows));
}
