import type { z } from 'zod';
import { InputError, type Problem } from './errors.js';

export function problemsOf(error: z.ZodError, row?: number): Problem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(whole record)',
    message: issue.message,
    ...(row === undefined ? {} : { row }),
  }));
}

/** Parses with a schema, or throws an InputError naming every field that is wrong. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InputError(`The ${what} has errors`, problemsOf(result.error));
  return result.data;
}
