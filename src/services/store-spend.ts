import { InputError } from '../domain/errors.js';
import type { Rejection, SpendItem, SpendLayout, SpendRow } from '../domain/spend.js';
import { resolveBodyIds } from '../store/bodies.js';
import type { Sql } from '../store/db.js';
import { openPaymentWriter } from '../store/payment-writer.js';
import {
  bodyNamed,
  completeSpendImport,
  createSpendImport,
  getSpendImport,
  lockBodySpend,
  namesOfBody,
  rebuildCube,
  replaceImports,
  sameFileElsewhere,
  type SpendImportReport,
  standingReadings,
} from '../store/spend.js';

/** Payments read from a published file, or generated for the demo, ready to be stored. */
export interface SpendSource {
  file: string;
  /** May still be being computed while the payments are read: it is needed only at the end. */
  sha256: string | Promise<string>;
  layout: SpendLayout;
  /** The file's payments, rejections and notes, a batch at a time. */
  batches: AsyncIterable<SpendItem[]>;
  /** Generated, not published: the demo's spend. */
  synthetic?: boolean;
}

/**
 * The file has no body column and the same file is held for another body already: likely chosen
 * for the wrong body, so it is stopped with a question rather than stored.
 */
/** How far an import has gone: rows read from the file, payments accepted and rows refused so far. */
export interface ImportProgress {
  rowsRead: number;
  accepted: number;
  refused: number;
  /** Reading the file, or working out suppliers, categories and totals once it is read. */
  stage: 'reading' | 'analysing';
}

export class SameFileOtherBodyError extends InputError {
  override name = 'SameFileOtherBodyError';
  constructor(
    file: string,
    readonly heldFor: { code: string; name: string; importId: number },
  ) {
    super(
      `This file is already held for ${heldFor.name} (import ${heldFor.importId}) and names no body of its own: is it really this body's? Import it again saying that it is, if so`,
      [{ field: 'confirmOtherBody', message: `The same file is held for ${heldFor.name}` }],
      file,
    );
  }
}

/** Payments written to the database at a time, while the next are read. */
const BATCH = 5_000;

/**
 * Stores a spend file's payments as one transaction: if anything fails, nothing of the file is kept.
 * Decides which body the file is for, refuses payments for another body, keeps the file's totals and
 * dates, asks before storing for one body a file held for another, and lets a file read otherwise
 * replace its earlier readings. A payment already stored (same body and content) is counted as a
 * duplicate, not stored twice. Imports for one body wait for each other, so two at once cannot both
 * store the same payment.
 */
export async function importSpend(
  db: Sql,
  source: SpendSource,
  options: {
    bodyCode?: string | undefined;
    /** Store it even though the same file is held for another body (see SameFileOtherBodyError). */
    confirmOtherBody?: boolean | undefined;
    onProgress?: (progress: ImportProgress) => void;
  } = {},
): Promise<SpendImportReport> {
  return db.transaction(async (tx) => {
    const batches = source.batches[Symbol.asyncIterator]();
    const ahead: SpendItem[][] = [];
    // The body is named, or read from the file's own body column on its first payment.
    let body = options.bodyCode ? await bodyByCode(tx, options.bodyCode) : undefined;
    while (!body) {
      const next = await batches.next();
      if (next.done) break;
      ahead.push(next.value);
      const first = next.value.find((item) => item.kind === 'payment');
      if (first) body = await bodyForPayment(tx, first.payment, source.file);
    }
    if (!body) {
      const refused = ahead.flat().flatMap((item) => (item.kind === 'rejected' ? [item.rejection] : []));
      throw refused.length
        ? new InputError(
            'No payment in the file could be read',
            refused.slice(0, 10).map(({ row, field, reason }) => ({ row, field, message: reason })),
            source.file,
          )
        : new InputError('The file names no body: say which body it belongs to', [], source.file);
    }
    await lockBodySpend(tx, body.id);
    const importId = await createSpendImport(tx, body.id, {
      name: source.file,
      layout: source.layout,
      synthetic: source.synthetic ?? false,
    });
    const writer = await openPaymentWriter(tx, body.id, importId);

    let refused: Rejection[] = [];
    const notes: string[] = [];
    let rowsRead = 0;
    let paymentsRead = 0;
    let rejected = 0;
    let totalPence = 0;
    let firstDate: string | undefined;
    let lastDate: string | undefined;
    let batch: SpendRow[] = [];
    // One batch is written while the next is read: the database and the parser each have a core.
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      const [rows, rejections] = [batch, refused];
      [batch, refused] = [[], []];
      await writing;
      writing = writer.write(rows, rejections);
    };

    const take = async (items: SpendItem[]) => {
      for (const item of items) {
        if (item.kind === 'note') {
          notes.push(`Row ${item.row}: ${item.note}`);
          continue;
        }
        rowsRead++;
        if (item.kind === 'rejected' || (item.payment.bodyName && !body.owns(item.payment.bodyName))) {
          const rejection =
            item.kind === 'rejected'
              ? item.rejection
              : {
                  row: item.payment.row,
                  field: source.layout.header[source.layout.mapping.bodyName ?? 0] ?? 'Body',
                  reason: `This payment is for "${item.payment.bodyName}", not ${body.name}`,
                };
          rejected++;
          refused.push(rejection);
          continue;
        }
        const p = item.payment;
        paymentsRead++;
        totalPence += p.amountPence;
        if (p.paidOn && (!firstDate || p.paidOn < firstDate)) firstDate = p.paidOn;
        if (p.paidOn && (!lastDate || p.paidOn > lastDate)) lastDate = p.paidOn;
        batch.push(p);
      }
      if (batch.length + refused.length >= BATCH) await flush();
      options.onProgress?.({ rowsRead, accepted: paymentsRead, refused: rejected, stage: 'reading' });
    };

    for (const items of ahead) await take(items);
    for (let next = await batches.next(); !next.done; next = await batches.next()) await take(next.value);
    await flush();
    await writing;
    const sha256 = await source.sha256;
    if (source.layout.mapping.bodyName === undefined && !options.confirmOtherBody) {
      const heldFor = await sameFileElsewhere(tx, body.id, sha256);
      if (heldFor) throw new SameFileOtherBodyError(source.file, heldFor);
    }
    // A reading that stored nothing (every row refused) replaces nothing either.
    const failed = paymentsRead === 0;
    const replaced = failed
      ? []
      : await replaceEarlierReadings(tx, body.id, { sha256, layout: source.layout }, importId);
    if (replaced.length)
      notes.push(
        `The same file was imported before (import ${replaced.join(', ')}) and read otherwise: its payments are replaced by these, not added twice`,
      );
    // Payments held before (an overlapping file) are left out here.
    const accepted = await writer.finish();
    await rebuildCube(tx, body.id);
    await completeSpendImport(tx, importId, {
      sha256,
      rowsRead,
      accepted,
      duplicates: paymentsRead - accepted,
      rejected,
      totalPence,
      firstDate,
      lastDate,
      failed,
      notes,
    });
    return getSpendImport(tx, importId);
  });
}

interface ImportingBody {
  id: number;
  name: string;
  /** Whether a "Body name" cell names this body (by its name or another name it is known by). */
  owns(name: string): boolean;
}

async function bodyByCode(tx: Sql, code: string): Promise<ImportingBody> {
  const id = (await resolveBodyIds(tx, [{ code, field: 'body' }]))(code);
  return describeBody(tx, id);
}

async function bodyForPayment(tx: Sql, payment: SpendRow, file: string): Promise<ImportingBody | undefined> {
  if (!payment.bodyName) return undefined;
  const id = await bodyNamed(tx, payment.bodyName);
  if (id === undefined) {
    throw new InputError(
      `The file is for "${payment.bodyName}", which is not in the bodies directory`,
      [
        {
          row: payment.row,
          field: 'Body name',
          message: 'Add the body, or say which body the file belongs to',
        },
      ],
      file,
    );
  }
  return describeBody(tx, id);
}

async function describeBody(tx: Sql, id: number): Promise<ImportingBody> {
  const { name, names } = await namesOfBody(tx, id);
  const known = new Set(names.map((n) => n.toLowerCase()));
  return { id, name, owns: (cell) => known.has(cell.toLowerCase()) };
}

/**
 * The same file (the same bytes) imported again but read otherwise (other columns chosen, another
 * month given) is read afresh: the payments of its earlier imports are removed, to be stored again
 * as now read, and those imports are marked replaced. Read the same way, it adds nothing, as any
 * overlapping file. Returns the numbers of the imports replaced.
 */
async function replaceEarlierReadings(
  tx: Sql,
  bodyId: number,
  file: { sha256: string; layout: SpendLayout },
  importId: number,
): Promise<number[]> {
  const earlier = await standingReadings(tx, bodyId, file, importId);
  if (earlier.every((r) => r.same)) return [];
  const ids = earlier.map((r) => r.id);
  await replaceImports(tx, bodyId, ids, importId);
  return ids;
}
