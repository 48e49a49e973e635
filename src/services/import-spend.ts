import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { Actor } from '../domain/audit.js';
import { oneOf } from '../domain/codes.js';
import { recordChange } from '../store/audit.js';
import { SPEND_FIELDS } from '../domain/spend.js';
import { parseInput } from '../domain/validation.js';
import { openSpendFileHere, openSpendFileInWorker } from '../ingest/spend/open-in-thread.js';
import type { Sql } from '../store/db.js';
import { faultPoint } from '../store/faults.js';
import { refreshSpendAnalysis } from './spend-analysis.js';
import { type ImportProgress, importSpend } from './store-spend.js';
import { refreshPlannerStatistics } from '../store/statistics.js';
import {
  getColumnChoices,
  removeSpendImport,
  saveColumnChoices,
  syntheticImportsOf,
  type SpendImportReport,
} from '../store/spend.js';

export const spendImportOptions = z.object({
  bodyCode: z.string().trim().toUpperCase().optional(),
  /** yyyy-mm, for files that lost their payment dates. */
  undatedMonth: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Give the month as yyyy-mm, like 2014-06' })
    .optional(),
  /** For XLSX: the worksheet to read. */
  sheet: z.string().min(1).optional(),
  /** The same file is held for another body, and this one is said to be right too. */
  confirmOtherBody: z.boolean().default(false),
  /** Columns chosen by heading; saved for the body so its next file needs no choosing. */
  columns: z.partialRecord(oneOf(SPEND_FIELDS, 'Unknown field'), z.string().min(1)).default({}),
});
export type SpendImportOptions = z.input<typeof spendImportOptions>;

/** Who hears of an import as it goes: its start and its report inside the import's transaction, and its progress. */
export interface ImportHooks {
  /** Runs first in the import's transaction: what it locks stays locked while the import lives. */
  onBegin?: (tx: Sql) => Promise<void>;
  onProgress?: (progress: ImportProgress) => void;
  /** Runs in the import's transaction, so what it writes is stored exactly when the import is. */
  onStored?: (tx: Sql, report: SpendImportReport) => Promise<void>;
  /**
   * Read the file on this thread rather than a worker: for a process that serves no requests and
   * would rather use less memory than read while it stores.
   */
  readOnThisThread?: boolean;
}

/**
 * Reads one spend file and stores it, with the columns saved for its body unless others are chosen
 * now; the import goes into the audit trail under `actor`.
 */
export async function importSpendFile(
  db: Sql,
  actor: Actor,
  path: string,
  input: SpendImportOptions,
  { onBegin, onProgress, onStored, readOnThisThread = false }: ImportHooks = {},
): Promise<SpendImportReport> {
  const options = parseInput(spendImportOptions, input, 'import options');
  const saved = options.bodyCode ? await getColumnChoices(db, options.bodyCode) : {};
  // Hashed on this thread while the reader's thread reads, and awaited as the import is stored. If the
  // import fails first nothing awaits it: the catch keeps a failed read then from ending the process.
  const digest = sha256(path);
  digest.catch(() => undefined);
  const reader = await (readOnThisThread ? openSpendFileHere : openSpendFileInWorker)(path, {
    columns: options.columns,
    savedColumns: saved,
    undatedMonth: options.undatedMonth,
    sheet: options.sheet,
  });
  try {
    const { layout, batches } = reader;
    // The payments, the audit entry and the analysis that counts them are one transaction: a process
    // killed at any moment leaves either all of them or none.
    const report = await db.transaction(async (tx) => {
      await onBegin?.(tx);
      const stored = await importSpend(
        tx,
        { file: layout.file, sha256: digest, layout, batches },
        { bodyCode: options.bodyCode, confirmOtherBody: options.confirmOtherBody, onProgress },
      );
      if (Object.keys(options.columns).length) {
        await saveColumnChoices(tx, stored.bodyCode, { ...saved, ...options.columns });
      }
      // A body's real spend replaces the demo's synthetic spend: counted together, neither means anything.
      if (stored.accepted > 0) {
        for (const id of await syntheticImportsOf(tx, stored.bodyCode)) {
          const demo = await removeSpendImport(tx, stored.bodyCode, id);
          await recordChange(tx, actor, {
            action: 'delete',
            recordType: 'spend_import',
            recordKey: String(demo.id),
            recordName: `${demo.file} for ${demo.bodyName}, replaced by ${stored.file}`,
            before: {
              file: demo.file,
              body: demo.bodyCode,
              accepted: demo.accepted,
              totalPence: demo.totalPence,
            },
          });
        }
      }
      await recordChange(tx, actor, {
        action: 'import',
        recordType: 'spend_import',
        recordKey: String(stored.id),
        recordName: `${stored.file} for ${stored.bodyName}`,
        after: {
          file: stored.file,
          body: stored.bodyCode,
          rowsRead: stored.rowsRead,
          accepted: stored.accepted,
          duplicates: stored.duplicates,
          rejected: stored.rejected,
          totalPence: stored.totalPence,
          ...(stored.failed ? { failed: true } : {}),
        },
      });
      faultPoint('import:before-refresh');
      onProgress?.({
        rowsRead: stored.rowsRead,
        accepted: stored.rowsRead - stored.rejected,
        refused: stored.rejected,
        stage: 'analysing',
      });
      // Even when every payment was held already: importing a file again repairs its analysis.
      await refreshSpendAnalysis(tx, stored.bodyCode);
      await onStored?.(tx, stored);
      return stored;
    });
    faultPoint('import:committed');
    await refreshPlannerStatistics(db);
    return report;
  } finally {
    await reader.close();
  }
}

/**
 * Removes one import: its payments, and with them their part in suppliers and reports, in one
 * transaction with the audit entry. Payments it shared with a later file go too (that file counted
 * them as held already): importing that file again puts them back.
 */
export async function undoSpendImport(db: Sql, actor: Actor, bodyCode: string, importId: number) {
  const undone = await db.transaction(async (tx) => {
    const removed = await removeSpendImport(tx, bodyCode, importId);
    await recordChange(tx, actor, {
      action: 'delete',
      recordType: 'spend_import',
      recordKey: String(removed.id),
      recordName: `${removed.file} for ${removed.bodyName}`,
      before: {
        file: removed.file,
        body: removed.bodyCode,
        accepted: removed.accepted,
        totalPence: removed.totalPence,
        importedAt: removed.importedAt,
      },
    });
    await refreshSpendAnalysis(tx, removed.bodyCode);
    return removed;
  });
  await refreshPlannerStatistics(db);
  return undone;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
