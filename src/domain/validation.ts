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

/** C0 controls but tab and line ends, and DEL: no field a person types holds them; NUL breaks storage. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * The first field (a dotted path: `query.q`, `body.items.0.name`) whose text holds a control
 * character, in any object, array or string given; undefined where none does.
 */
export function fieldWithControlCharacter(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return CONTROL.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const field = CONTROL.test(key) ? path : fieldWithControlCharacter(inner, `${path}.${key}`);
    if (field) return field;
  }
  return undefined;
}
