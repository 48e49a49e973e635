import { hash } from 'node:crypto';
import { InputError, NotFoundError } from '../domain/errors.js';
import type { Rejection, SpendItem, SpendLayout, SpendRow } from '../domain/spend.js';
import { resolveBodyIds } from './bodies.js';
import type { Sql } from './db.js';
import { faultPoint } from './faults.js';
import { OccurrenceCounter } from './occurrences.js';
import { openPaymentLoad } from './payment-tables.js';
import { SpendDictionaries } from './spend-dictionaries.js';
import { withoutNulls } from './rows.js';

export interface SpendImportReport {
  id: number;
  bodyCode: string;
  bodyName: string;
  file: string;
  importedAt: string;
  layout: SpendLayout;
  rowsRead: number;
  /** Payments read from the file and stored. */
  accepted: number;
  /** Payments read from the file that were stored already (an overlapping or repeated file). */
  duplicates: number;
  rejected: number;
  /** Sum of the payments read from the file, stored now or before. */
  totalPence: number;
  firstDate?: string;
  lastDate?: string;
  /** The first hundred rejections, each naming row, column and reason; all are kept (allRejections). */
  rejections: Rejection[];
  /** Nothing could be stored: every row was refused. Not spend, but kept to show why. */
  failed: boolean;
  notes: string[];
  synthetic: boolean;
  /** The later import of the same file, read otherwise, whose payments took this one's place. */
  replacedBy?: number;
}

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
/** Rejections shown in a report; all are stored. */
const SHOWN_REJECTIONS = 100;
const REJECTION_COLUMNS = ['import_id', 'row_number', 'field', 'reason'];
const PAYMENT_COLUMNS = [
  'body_id',
  'content_key',
  'import_id',
  'row_number',
  'paid_on',
  'month',
  'amount_pence',
  'payee_id',
  'transaction_number',
  'expense_area_id',
  'expense_type_id',
  'category_id',
  'purpose_id',
];
// Any constant works as long as every Pathfinder process uses the same one.
const BODY_SPEND_LOCK = 7_115_2003;

/**
 * Stores a spend file's payments as one transaction: if anything fails, nothing of the file is kept.
 * A payment already stored (same body and content) is counted as a duplicate, not stored twice.
 * Imports for one body wait for each other, so two at once cannot both store the same payment.
 */
export async function importSpend(
  db: Sql,
  source: SpendSource,
  options: {
    bodyCode?: string | undefined;
    /** Store it even though the same file is held for another body (see SameFileOtherBodyError). */
    confirmOtherBody?: boolean | undefined;
    onProgress?: (rowsRead: number) => void;
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
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [BODY_SPEND_LOCK, body.id]);

    const [created] = await tx.query<{ id: number }>(
      `INSERT INTO spend_imports (body_id, file_name, file_sha256, layout, rows_read, accepted, duplicates,
         rejected, total_pence, notes, synthetic)
       VALUES ($1, $2, '', $3, 0, 0, 0, 0, 0, '[]', $4) RETURNING id`,
      [body.id, source.file, JSON.stringify(source.layout), source.synthetic ?? false],
    );
    const importId = (created as { id: number }).id;

    const load = await openPaymentLoad(tx, body.id);
    const dictionaries = new SpendDictionaries(tx);
    const occurrences = new OccurrenceCounter();
    let refused: Rejection[] = [];
    const notes: string[] = [];
    let rowsRead = 0;
    let paymentsRead = 0;
    let rejected = 0;
    let totalPence = 0;
    let firstDate: string | undefined;
    let lastDate: string | undefined;
    let batch: SpendRow[] = [];

    let copied = 0;
    // One batch is written while the next is read: the database and the parser each have a core.
    let writing: Promise<void> = Promise.resolve();
    const write = async (rows: SpendRow[], rejections: Rejection[]) => {
      if (rejections.length) {
        const lines = rejections.map(
          (r) => `${importId},${r.row},${csvText(r.field)},${csvText(r.reason)}\n`,
        );
        await tx.copyCsv('spend_rejections', REJECTION_COLUMNS, lines.join(''));
      }
      const keys = rows.map((p) => contentKey(body.id, p, occurrences));
      const ids = await dictionaries.idsFor(rows);
      const { expenseArea, expenseType, categoryLabel, purpose } = ids.labels;
      let lines = '';
      rows.forEach((p, i) => {
        lines += `${body.id},${keys[i]},${importId},${p.row},${p.paidOn ?? ''},${p.month},${p.amountPence},${ids.payee[i]},${csvText(p.transactionNumber)},${expenseArea[i] ?? ''},${expenseType[i] ?? ''},${categoryLabel[i] ?? ''},${purpose[i] ?? ''}\n`;
      });
      copied += rows.length;
      if (lines) await tx.copyCsv(load.table, PAYMENT_COLUMNS, lines);
      faultPoint('import:batch-written');
    };
    const flush = async () => {
      const [rows, rejections] = [batch, refused];
      [batch, refused] = [[], []];
      await writing;
      writing = write(rows, rejections);
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
      options.onProgress?.(rowsRead);
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
    const accepted = await load.finish(copied);
    await rebuildCube(tx, body.id);
    await tx.query(
      `UPDATE spend_imports SET rows_read = $2, accepted = $3, duplicates = $4, rejected = $5, total_pence = $6,
         first_date = $7, last_date = $8, failed = $9, notes = $10, file_sha256 = $11 WHERE id = $1`,
      [
        importId,
        rowsRead,
        accepted,
        paymentsRead - accepted,
        rejected,
        totalPence,
        firstDate ?? null,
        lastDate ?? null,
        failed,
        JSON.stringify(notes),
        sha256,
      ],
    );
    return getSpendImport(tx, importId);
  });
}

const REPORT = `SELECT i.id, b.code AS "bodyCode", b.name AS "bodyName", i.file_name AS file, i.imported_at AS "importedAt",
    i.layout, i.rows_read AS "rowsRead", i.accepted, i.duplicates, i.rejected, i.total_pence AS "totalPence",
    i.first_date AS "firstDate", i.last_date AS "lastDate", i.notes, i.synthetic, i.replaced_by AS "replacedBy",
    i.failed, (SELECT coalesce(json_agg(json_build_object('row', r.row_number, 'field', r.field, 'reason', r.reason)
        ORDER BY r.row_number), '[]')
      FROM (SELECT * FROM spend_rejections WHERE import_id = i.id ORDER BY row_number LIMIT ${SHOWN_REJECTIONS}) r) AS rejections
  FROM spend_imports i JOIN bodies b ON b.id = i.body_id`;

export async function getSpendImport(sql: Sql, id: number): Promise<SpendImportReport> {
  const [row] = await sql.query<SpendImportReport>(`${REPORT} WHERE i.id = $1`, [id]);
  if (!row) throw new NotFoundError(`No spend import has the number ${id}`);
  return withoutNulls(row) as SpendImportReport;
}

export async function listSpendImports(sql: Sql, bodyCode: string): Promise<SpendImportReport[]> {
  const rows = await sql.query<SpendImportReport>(
    `${REPORT} WHERE b.code = $1 ORDER BY i.imported_at DESC, i.id DESC`,
    [bodyCode.toUpperCase()],
  );
  return rows.map((r) => withoutNulls(r) as SpendImportReport);
}

/** Every row refused in an import, in file order, to download and correct. */
export async function allRejections(sql: Sql, importId: number): Promise<Rejection[]> {
  return sql.query<Rejection>(
    'SELECT row_number AS row, field, reason FROM spend_rejections WHERE import_id = $1 ORDER BY row_number',
    [importId],
  );
}

/** Another body's import of the same file that still stands, if there is one. */
async function sameFileElsewhere(tx: Sql, bodyId: number, sha256: string) {
  const [row] = await tx.query<{ code: string; name: string; importId: number }>(
    `SELECT b.code, b.name, i.id AS "importId" FROM spend_imports i JOIN bodies b ON b.id = i.body_id
     WHERE i.file_sha256 = $1 AND i.body_id <> $2 AND i.replaced_by IS NULL AND NOT i.failed
     ORDER BY i.id LIMIT 1`,
    [sha256, bodyId],
  );
  return row;
}

/**
 * Removes an import of a body's with the payments it stored, and sums the body's cube again; the
 * caller refreshes the analysis in the same transaction. Returns what was removed, for the record.
 */
export async function removeSpendImport(
  tx: Sql,
  bodyCode: string,
  importId: number,
): Promise<SpendImportReport> {
  const removed = await getSpendImport(tx, importId);
  if (removed.bodyCode !== bodyCode.toUpperCase())
    throw new NotFoundError(`No spend import has the number ${importId}`);
  const [{ id: bodyId } = { id: 0 }] = await tx.query<{ id: number }>(
    'SELECT id FROM bodies WHERE code = $1',
    [removed.bodyCode],
  );
  await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [BODY_SPEND_LOCK, bodyId]);
  await tx.query('DELETE FROM payments WHERE body_id = $1 AND import_id = $2', [bodyId, importId]);
  // Earlier readings of the same file it replaced hold no payments: they go with it, not back to standing.
  await tx.query('DELETE FROM spend_imports WHERE replaced_by = $1', [importId]);
  await tx.query('DELETE FROM spend_imports WHERE id = $1', [importId]);
  await rebuildCube(tx, bodyId);
  return removed;
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
  const [row] = await tx.query<{ id: number }>(
    `SELECT id FROM bodies WHERE lower(name) = lower($1) OR lower($1) = ANY (SELECT lower(n) FROM unnest(alt_names) n)
     ORDER BY end_date DESC NULLS FIRST LIMIT 1`,
    [payment.bodyName],
  );
  if (!row) {
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
  return describeBody(tx, row.id);
}

async function describeBody(tx: Sql, id: number): Promise<ImportingBody> {
  const [row] = await tx.query<{ name: string; names: string[] }>(
    `SELECT name, array_append(alt_names, name) AS names FROM bodies WHERE id = $1`,
    [id],
  );
  const names = new Set((row?.names ?? []).map((n) => n.toLowerCase()));
  return { id, name: row?.name ?? '', owns: (name) => names.has(name.toLowerCase()) };
}

/**
 * The same payment in two files has the same key: a hash of what identifies it (date, amount, payee
 * and their references), with the count of identical rows before it, so two genuinely equal payments
 * in one file both stay. Descriptive columns (expense type, area, purpose) are left out: choosing
 * another column for them describes the same payment differently, it is not another payment.
 * Migration 8 re-keyed the payments stored before in the same way, in SQL: the two must agree.
 */
function contentKey(bodyId: number, p: SpendRow, occurrences: OccurrenceCounter): string {
  // A template: join cost more than the hashing.
  const content = `${bodyId}\u0001${p.paidOn ?? p.month}\u0001${p.amountPence}\u0001${p.supplierName}\u0001${p.supplierId ?? ''}\u0001${p.transactionNumber ?? ''}`;
  // Hex rather than a Buffer: allocating a Buffer a payment cost more than the hashing.
  const digest = hash('sha256', content, 'hex');
  const n = occurrences.next(parseInt(digest.slice(0, 8), 16), parseInt(digest.slice(8, 16), 16));
  // The n-th repeat of the same content gets the next key along: still deterministic for the file.
  return BigInt.asIntN(64, BigInt(`0x${digest.slice(0, 16)}`) + BigInt(n)).toString();
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
) {
  const earlier = await tx.query<{ id: number; same: boolean }>(
    `SELECT id, (layout - 'file') = ($3::jsonb - 'file') AS same FROM spend_imports
     WHERE body_id = $1 AND file_sha256 = $2 AND id <> $4 AND replaced_by IS NULL`,
    [bodyId, file.sha256, JSON.stringify(file.layout), importId],
  );
  if (earlier.every((r) => r.same)) return [];
  const ids = earlier.map((r) => r.id);
  await tx.query('UPDATE spend_imports SET replaced_by = $2 WHERE id = ANY($1::int[])', [ids, importId]);
  await tx.query('DELETE FROM payments WHERE body_id = $1 AND import_id = ANY($2::int[])', [bodyId, ids]);
  return ids;
}

/**
 * Sums the body's payments again into the spend cube (body × month × payee × expense type ×
 * category), which analysis reads: with payments partitioned by body this reads the body's alone.
 */
async function rebuildCube(tx: Sql, bodyId: number) {
  await tx.query('DELETE FROM spend_cube WHERE body_id = $1', [bodyId]);
  await tx.query(
    `INSERT INTO spend_cube (body_id, month, payee_id, expense_type_id, category_id, amount_pence, payments)
     SELECT body_id, month, payee_id, expense_type_id, category_id, sum(amount_pence), count(*)
     FROM payments WHERE body_id = $1 GROUP BY body_id, month, payee_id, expense_type_id, category_id`,
    [bodyId],
  );
}

/** Text as a CSV field for COPY: quoted, so that an empty text is not read as NULL; absent is NULL. */
function csvText(text: string | undefined): string {
  return text === undefined ? '' : `"${text.replaceAll('"', '""')}"`;
}

/** The columns a person chose for a body's files, by heading. */
export async function getColumnChoices(sql: Sql, bodyCode: string): Promise<Record<string, string>> {
  const [row] = await sql.query<{ columns: Record<string, string> }>(
    `SELECT c.columns FROM spend_column_choices c JOIN bodies b ON b.id = c.body_id WHERE b.code = $1`,
    [bodyCode.toUpperCase()],
  );
  return row?.columns ?? {};
}

export async function saveColumnChoices(sql: Sql, bodyCode: string, columns: Record<string, string>) {
  const id = (await resolveBodyIds(sql, [{ code: bodyCode, field: 'body' }]))(bodyCode);
  await sql.query(
    `INSERT INTO spend_column_choices (body_id, columns) VALUES ($1, $2)
     ON CONFLICT (body_id) DO UPDATE SET columns = EXCLUDED.columns`,
    [id, JSON.stringify(columns)],
  );
}

/** Whether any of the spend held was generated for the demo rather than published. */
export async function hasSyntheticSpend(sql: Sql): Promise<boolean> {
  const [row] = await sql.query<{ any: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM spend_imports WHERE synthetic) AS any',
  );
  return row?.any ?? false;
}
