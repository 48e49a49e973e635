import { NotFoundError, type Problem } from '../domain/errors.js';
import type { ColumnMapping } from '../domain/spend.js';
import type { Sql } from './db.js';
import { withoutNulls } from './rows.js';

/** Why a queued import stored nothing, as the upload form would have said it. */
export interface ImportProblem {
  message: string;
  file?: string;
  problems: Problem[];
  /** The file's headings, when its columns could not all be placed and a person must choose. */
  columns?: { header: string[]; mapping: ColumnMapping };
  /** The body the same file is held for, when it must be confirmed as this body's too. */
  heldFor?: { code: string; name: string; importId: number };
}

export type ImportJobState = 'queued' | 'running' | 'done' | 'failed';

export interface ImportJob {
  /** Random, so that the address of one officer's import is not guessed from another's. */
  id: string;
  bodyCode: string;
  bodyName: string;
  file: string;
  submittedBy: string;
  submission?: string;
  state: ImportJobState;
  importId?: number;
  problem?: ImportProblem;
  /** The upload form's other fields, to show again beside a refusal. */
  form: Record<string, string>;
  submittedAt: string;
  finishedAt?: string;
}

const SELECT = `SELECT j.id, b.code AS "bodyCode", b.name AS "bodyName", j.file_name AS file,
  j.submitted_by AS "submittedBy", j.submission, j.state, j.import_id AS "importId", j.problem, j.form,
  j.submitted_at AS "submittedAt", j.finished_at AS "finishedAt"
  FROM spend_import_jobs j JOIN bodies b ON b.id = j.body_id`;

export async function findImportJob(sql: Sql, by: { id: string } | { submission: string }) {
  const [row] =
    'id' in by
      ? await sql.query<ImportJob>(`${SELECT} WHERE j.id = $1`, [by.id])
      : await sql.query<ImportJob>(`${SELECT} WHERE j.submission = $1`, [by.submission]);
  return row && (withoutNulls(row) as ImportJob);
}

export async function getImportJob(sql: Sql, id: string): Promise<ImportJob> {
  const job = await findImportJob(sql, { id });
  if (!job) throw new NotFoundError(`No import has the number ${id}`);
  return job;
}

/** Records a job as started, so that a server stopped during it leaves a job that says so. */
export async function startImportJob(sql: Sql, job: ImportJob) {
  await sql.query(
    `INSERT INTO spend_import_jobs (id, body_id, file_name, submission, submitted_by, state, form, submitted_at)
     SELECT $1, id, $3, $4, $5, 'running', $6, $7 FROM bodies WHERE code = $2`,
    [
      job.id,
      job.bodyCode,
      job.file,
      job.submission ?? null,
      job.submittedBy,
      JSON.stringify(job.form),
      job.submittedAt,
    ],
  );
}

/**
 * Called first in the import's own transaction: the job's row stays locked while the import runs, so
 * a server starting meanwhile (another on the same PostgreSQL) can tell it from one whose server died.
 */
export async function claimImportJob(sql: Sql, id: string) {
  await sql.query('SELECT 1 FROM spend_import_jobs WHERE id = $1 FOR UPDATE', [id]);
}

/** Called in the import's own transaction: the job is done exactly when its import is stored. */
export async function finishImportJob(sql: Sql, id: string, importId: number) {
  await sql.query(
    `UPDATE spend_import_jobs SET state = 'done', import_id = $2, finished_at = now() WHERE id = $1`,
    [id, importId],
  );
}

export async function failImportJob(sql: Sql, id: string, problem: ImportProblem) {
  await sql.query(
    `UPDATE spend_import_jobs SET state = 'failed', problem = $2, finished_at = now() WHERE id = $1`,
    [id, JSON.stringify(problem)],
  );
}

/**
 * Ends the jobs a stopped server left running. Their imports were transactions that never
 * committed, so nothing of them is stored; the uploaded copies went with the server's temporary folder.
 * A job whose row is locked is still being imported by a live server, and is left to it.
 */
export async function failUnfinishedImportJobs(sql: Sql) {
  const problem: ImportProblem = {
    message:
      'The server stopped before this import finished, so nothing of it was stored: upload the file again',
    problems: [],
  };
  await sql.query(
    `UPDATE spend_import_jobs SET state = 'failed', problem = $1, finished_at = now()
     WHERE id IN (SELECT id FROM spend_import_jobs WHERE state = 'running' FOR UPDATE SKIP LOCKED)`,
    [JSON.stringify(problem)],
  );
}
