/** One thing wrong with an input, said so that a council officer can find and fix it. */
export interface Problem {
  field: string;
  message: string;
  /** 1-based row number in the file, counting the header as row 1. */
  row?: number;
}

/** Input that cannot be accepted; nothing has been stored. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
    readonly file?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }

  /** Every problem on its own line, with the file, row and field it concerns. */
  describe(): string {
    const where = (p: Problem) =>
      [this.file, p.row === undefined ? undefined : `row ${p.row}`, p.field].filter(Boolean).join(', ');
    return [this.message, ...this.problems.map((p) => `  ${where(p)}: ${p.message}`)].join('\n');
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The user may not do this; `signIn` when signing in (or as someone else) might let them. */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/** The request clashes with what is stored (a duplicate code, a body still in use). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/**
 * Runs work that checks one record of a larger input; a problem it raises is re-thrown with
 * `place` applied, so that the message names where in the file or document the record is.
 * A clash with a stored record becomes a problem of that record too.
 */
export async function locating<T>(place: (problem: Problem) => Problem, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InputError)
      throw new InputError(error.message, error.problems.map(place), error.file);
    if (error instanceof ConflictError) {
      throw new InputError(error.message, [place({ field: 'code', message: error.message })]);
    }
    throw error;
  }
}
