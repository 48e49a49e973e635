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

/** The request clashes with what is stored (a duplicate code, a body still in use). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}
