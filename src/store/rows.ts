/** Drops the nulls a row brings back, so optional fields are absent rather than null. */
export function withoutNulls<T extends object>(row: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
}

export interface Paging {
  page: number;
  perPage: number;
}

/** Builds a WHERE clause from optional conditions, numbering the parameters as it goes. */
export class Conditions {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  /** `sql` uses `?` where the value goes; the value is skipped when undefined or empty. */
  add(sql: string, value: unknown): this {
    if (value === undefined || value === '' || value === null) return this;
    this.params.push(value);
    this.clauses.push(sql.replaceAll('?', `$${this.params.length}`));
    return this;
  }

  /** A condition always added, its parameters already placed with param(). */
  require(sql: string): this {
    this.clauses.push(sql);
    return this;
  }

  where(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }

  /** A parameter placeholder for a value used outside the WHERE clause (LIMIT, OFFSET). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** An ILIKE pattern for text containing q, with q's own % and _ taken literally; undefined for a blank q. */
export function containing(q: string | undefined): string | undefined {
  return q?.trim() ? `%${q.trim().replace(/[\\%_]/g, '\\$&')}%` : undefined;
}

/** SQL for the UK financial year (April to March) of a month column, written "2024-25". */
export function financialYear(month: string): string {
  return `to_char(${month} - interval '3 months', 'YYYY') || '-' || to_char(${month} + interval '9 months', 'YY')`;
}
