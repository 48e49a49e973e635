import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/audit.js';
import { InputError } from '../domain/errors.js';
import { ColumnChoiceError } from '../domain/spend.js';
import type { Sql } from '../store/db.js';
import {
  claimImportJob,
  failImportJob,
  failUnfinishedImportJobs,
  findImportJob,
  finishImportJob,
  type ImportJob,
  type ImportProblem,
  startImportJob,
} from '../store/import-jobs.js';
import type { SpendImportReport } from '../store/spend.js';
import { importSpendFile, type SpendImportOptions } from './import-spend.js';
import { type ImportProgress, SameFileOtherBodyError } from './store-spend.js';

/** An uploaded file waiting for its import, in a temporary folder the queue removes when done. */
export interface QueuedFile {
  bodyCode: string;
  bodyName: string;
  path: string;
  name: string;
  options: SpendImportOptions;
  /** The upload form's other fields, shown again beside a refusal. */
  form: Record<string, string>;
  /** The form's one-time token: sent twice, it finds the first job. */
  submission?: string | undefined;
  actor: Actor;
  discard(): Promise<void>;
}

/** A job the server holds: its record, and its progress while it runs. */
interface Active {
  job: ImportJob;
  progress?: ImportProgress;
  outcome: Promise<SpendImportReport>;
}

/**
 * Runs uploaded spend imports one at a time, in the background of the server: an upload returns at
 * once, and its page follows the job. One at a time keeps the server's memory that of one import
 * however many are sent, and on the embedded database nothing else could write meanwhile anyway.
 * Queued and running jobs are answered from memory, so that following one never waits for the
 * database the import holds; the job is written when it starts and finishes.
 */
export class SpendImportQueue {
  private readonly active = new Map<string, Active>();
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Sql,
    private readonly log: (error: unknown) => void,
  ) {}

  /** The queue of a starting server, ending the jobs a stopped one left unfinished. */
  static async open(db: Sql, log: (error: unknown) => void): Promise<SpendImportQueue> {
    await failUnfinishedImportJobs(db);
    return new SpendImportQueue(db, log);
  }

  /**
   * Queues a file, answering its job and the import's outcome (its report, or the error that
   * refused it). A submission already made answers the first job (with its outcome while it has
   * not ended), and the second copy is dropped.
   */
  async submit(file: QueuedFile): Promise<{ job: ImportJob; outcome?: Promise<SpendImportReport> }> {
    const earlier = file.submission ? await this.findBySubmission(file.submission) : undefined;
    if (earlier) {
      await file.discard();
      return earlier;
    }
    const job: ImportJob = {
      id: randomUUID(),
      bodyCode: file.bodyCode,
      bodyName: file.bodyName,
      file: file.name,
      submittedBy: file.actor.name,
      ...(file.submission ? { submission: file.submission } : {}),
      state: 'queued',
      form: file.form,
      submittedAt: new Date().toISOString(),
    };
    const outcome = this.tail.then(() => this.run(job, file));
    // The caller may not wait for the outcome (a web upload follows the job's page instead).
    outcome.catch(() => undefined);
    this.tail = outcome.catch(() => undefined);
    this.active.set(job.id, { job, outcome });
    return { job, outcome };
  }

  /** A job with its progress: from memory while it is queued or running, else as stored. */
  async find(id: string): Promise<{ job: ImportJob; progress?: ImportProgress } | undefined> {
    const active = this.active.get(id);
    if (active) return { job: active.job, ...(active.progress ? { progress: active.progress } : {}) };
    const stored = await findImportJob(this.db, { id });
    return stored && { job: stored };
  }

  /** Waits for every queued import to end: a server closing lets them finish rather than cut them off. */
  async drain() {
    await this.tail;
  }

  private async findBySubmission(submission: string) {
    for (const active of this.active.values())
      if (active.job.submission === submission) return { job: active.job, outcome: active.outcome };
    const stored = await findImportJob(this.db, { submission });
    return stored && { job: stored };
  }

  private async run(job: ImportJob, file: QueuedFile): Promise<SpendImportReport> {
    const active = this.active.get(job.id) as Active;
    try {
      job.state = 'running';
      await startImportJob(this.db, job);
      const report = await importSpendFile(this.db, file.actor, file.path, file.options, {
        onBegin: (tx) => claimImportJob(tx, job.id),
        onProgress: (progress) => {
          active.progress = progress;
        },
        onStored: (tx, stored) => finishImportJob(tx, job.id, stored.id),
      });
      Object.assign(job, { state: 'done', importId: report.id });
      return report;
    } catch (error) {
      const problem = problemOf(error, file.name);
      if (!(error instanceof InputError)) this.log(error);
      Object.assign(job, { state: 'failed', problem });
      await failImportJob(this.db, job.id, problem).catch(this.log);
      throw error;
    } finally {
      this.active.delete(job.id);
      await file.discard();
    }
  }
}

/** A refusal as the upload form shows it; anything else is the server's fault, said as such. */
function problemOf(error: unknown, file: string): ImportProblem {
  if (!(error instanceof InputError))
    return {
      message: 'Something went wrong on the server while importing this file, so nothing of it was stored',
      file,
      problems: [],
    };
  return {
    message: error.message,
    file: error.file ?? file,
    problems: error.problems,
    ...(error instanceof ColumnChoiceError
      ? { columns: { header: error.header, mapping: error.mapping } }
      : {}),
    ...(error instanceof SameFileOtherBodyError ? { heldFor: error.heldFor } : {}),
  };
}
