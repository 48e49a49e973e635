import { open } from 'node:fs/promises';
import { formatPounds } from '../domain/money.js';
import { adviceForRefusedFile, SPEND_FIELDS, type SpendField, type SpendLayout } from '../domain/spend.js';
import type { SpendImportReport } from '../store/spend.js';

/** The import report in the terminal: what was read, stored, skipped and refused, and why. */
export function describeSpendImport(r: SpendImportReport, shownRejections = 20): string {
  const n = (v: number) => v.toLocaleString('en-GB');
  const mapping = Object.entries(r.layout.mapping)
    .map(([field, i]) => {
      const near = r.layout.nearMatches?.includes(field as SpendField) ? ' (spelt differently: check)' : '';
      return `${SPEND_FIELDS[field as SpendField]} ← "${r.layout.header[i as number]}"${near}`;
    })
    .join('; ');
  const lines = [
    r.failed
      ? `${r.file} could not be imported for ${r.bodyName} (${r.bodyCode}): all its rows were refused (kept as failed import ${r.id}). ${adviceForRefusedFile(r.rejections)}`
      : `${r.file} → ${r.bodyName} (${r.bodyCode}), import ${r.id}`,
    `  rows read ${n(r.rowsRead)}: ${n(r.accepted)} stored, ${n(r.duplicates)} already stored, ${n(r.rejected)} refused`,
    `  total ${formatPounds(r.totalPence)}${r.firstDate ? `, paid ${r.firstDate} to ${r.lastDate}` : ''}`,
    `  read as ${readAs(r.layout)}, header in row ${r.layout.headerRow}`,
    `  columns: ${mapping}`,
    ...r.notes.slice(0, 10).map((note) => `  note: ${note}`),
    ...r.rejections.slice(0, shownRejections).map((x) => `  refused row ${x.row}, ${x.field}: ${x.reason}`),
  ];
  if (r.rejected > shownRejections)
    lines.push(`  … and ${n(r.rejected - shownRejections)} more refused rows`);
  return lines.join('\n');
}

function readAs(layout: SpendLayout): string {
  if (layout.format === 'xlsx') return `XLSX, sheet "${layout.sheet}"`;
  return `${layout.encoding} CSV, "${layout.delimiter === '\t' ? 'tab' : layout.delimiter}"-separated`;
}

/** Rows a file probably has, from the length of its first lines: enough for a progress bar. */
export async function estimateRows(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const sample = Buffer.alloc(Math.min(size, 256 * 1024));
    await handle.read(sample, 0, sample.length, 0);
    const lines = sample.toString('latin1').split('\n').length - 1;
    return lines > 0 ? Math.round((size / sample.length) * lines) : 1;
  } finally {
    await handle.close();
  }
}
