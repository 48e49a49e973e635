import { NotFoundError } from '../domain/errors.js';
import type { Rejection, SpendLayout } from '../domain/spend.js';
import { resolveBodyIds } from './bodies.js';
import type { Sql } from './db.js';
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

/** Rejections shown in a report; all are stored. */
const SHOWN_REJECTIONS = 100;
// Any constant works as long as every Pathfinder process uses the same one.
const BODY_SPEND_LOCK = 7_115_2003;

/** Holds the body's spend until the transaction ends: two imports or undos for one body take turns. */
export async function lockBodySpend(tx: Sql, bodyId: number) {
  await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [BODY_SPEND_LOCK, bodyId]);
}

/** Opens the record of an import, to be completed by completeSpendImport when its payments are stored. */
export async function createSpendImport(
  tx: Sql,
  bodyId: number,
  file: { name: string; layout: SpendLayout; synthetic: boolean },
): Promise<number> {
  const [created] = await tx.query<{ id: number }>(
    `INSERT INTO spend_imports (body_id, file_name, file_sha256, layout, rows_read, accepted, duplicates,
       rejected, total_pence, notes, synthetic)
     VALUES ($1, $2, '', $3, 0, 0, 0, 0, 0, '[]', $4) RETURNING id`,
    [bodyId, file.name, JSON.stringify(file.layout), file.synthetic],
  );
  return (created as { id: number }).id;
}

export interface SpendImportTally {
  sha256: string;
  rowsRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  totalPence: number;
  firstDate: string | undefined;
  lastDate: string | undefined;
  failed: boolean;
  notes: string[];
}

export async function completeSpendImport(tx: Sql, importId: number, tally: SpendImportTally) {
  await tx.query(
    `UPDATE spend_imports SET rows_read = $2, accepted = $3, duplicates = $4, rejected = $5, total_pence = $6,
       first_date = $7, last_date = $8, failed = $9, notes = $10, file_sha256 = $11 WHERE id = $1`,
    [
      importId,
      tally.rowsRead,
      tally.accepted,
      tally.duplicates,
      tally.rejected,
      tally.totalPence,
      tally.firstDate ?? null,
      tally.lastDate ?? null,
      tally.failed,
      JSON.stringify(tally.notes),
      tally.sha256,
    ],
  );
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
export async function sameFileElsewhere(tx: Sql, bodyId: number, sha256: string) {
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
  await lockBodySpend(tx, bodyId);
  await tx.query('DELETE FROM payments WHERE body_id = $1 AND import_id = $2', [bodyId, importId]);
  // Earlier readings of the same file it replaced hold no payments: they go with it, not back to standing.
  await tx.query('DELETE FROM spend_imports WHERE replaced_by = $1', [importId]);
  await tx.query('DELETE FROM spend_imports WHERE id = $1', [importId]);
  await rebuildCube(tx, bodyId);
  return removed;
}

/** The body's imports of synthetic demo spend, by number. */
export async function syntheticImportsOf(tx: Sql, bodyCode: string): Promise<number[]> {
  const rows = await tx.query<{ id: number }>(
    `SELECT i.id FROM spend_imports i JOIN bodies b ON b.id = i.body_id
     WHERE b.code = $1 AND i.synthetic AND i.replaced_by IS NULL ORDER BY i.id`,
    [bodyCode.toUpperCase()],
  );
  return rows.map((r) => r.id);
}

/** The body a "Body name" cell names, by its name or another name it is known by; the current one first. */
export async function bodyNamed(tx: Sql, name: string): Promise<number | undefined> {
  const [row] = await tx.query<{ id: number }>(
    `SELECT id FROM bodies WHERE lower(name) = lower($1) OR lower($1) = ANY (SELECT lower(n) FROM unnest(alt_names) n)
     ORDER BY end_date DESC NULLS FIRST LIMIT 1`,
    [name],
  );
  return row?.id;
}

/** A body's name and every name it is known by. */
export async function namesOfBody(tx: Sql, id: number): Promise<{ name: string; names: string[] }> {
  const [row] = await tx.query<{ name: string; names: string[] }>(
    `SELECT name, array_append(alt_names, name) AS names FROM bodies WHERE id = $1`,
    [id],
  );
  return row ?? { name: '', names: [] };
}

/**
 * The body's imports of the same file (the same bytes) that still stand, each with whether it was
 * read the same way (the same layout) as the import `importId`.
 */
export async function standingReadings(
  tx: Sql,
  bodyId: number,
  file: { sha256: string; layout: SpendLayout },
  importId: number,
): Promise<{ id: number; same: boolean }[]> {
  return tx.query<{ id: number; same: boolean }>(
    `SELECT id, (layout - 'file') = ($3::jsonb - 'file') AS same FROM spend_imports
     WHERE body_id = $1 AND file_sha256 = $2 AND id <> $4 AND replaced_by IS NULL`,
    [bodyId, file.sha256, JSON.stringify(file.layout), importId],
  );
}

/** Marks imports replaced by `importId`, removing their payments (to be stored again as now read). */
export async function replaceImports(tx: Sql, bodyId: number, ids: number[], importId: number) {
  await tx.query('UPDATE spend_imports SET replaced_by = $2 WHERE id = ANY($1::int[])', [ids, importId]);
  await tx.query('DELETE FROM payments WHERE body_id = $1 AND import_id = ANY($2::int[])', [bodyId, ids]);
}

/**
 * Sums the body's payments again into the spend cube (body × month × payee × expense type ×
 * category), which analysis reads: with payments partitioned by body this reads the body's alone.
 */
export async function rebuildCube(tx: Sql, bodyId: number) {
  await tx.query('DELETE FROM spend_cube WHERE body_id = $1', [bodyId]);
  await tx.query(
    `INSERT INTO spend_cube (body_id, month, payee_id, expense_type_id, category_id, amount_pence, payments)
     SELECT body_id, month, payee_id, expense_type_id, category_id, sum(amount_pence), count(*)
     FROM payments WHERE body_id = $1 GROUP BY body_id, month, payee_id, expense_type_id, category_id`,
    [bodyId],
  );
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

/** Whether any of the spend held (of these bodies, if given) was generated for the demo rather than published. */
export async function hasSyntheticSpend(sql: Sql, bodyIds?: number[]): Promise<boolean> {
  const [row] = await sql.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM spend_imports WHERE synthetic AND replaced_by IS NULL
       AND ($1::int[] IS NULL OR body_id = ANY($1::int[]))) AS any`,
    [bodyIds ?? null],
  );
  return row?.any ?? false;
}
