import { z } from 'zod';

/**
 * Pathfinder's fixed lists (kinds, statuses, services…) are objects of code → label. This is the
 * schema that accepts exactly their codes, with the message to show when a value is not one of them.
 */
export function oneOf<T extends Record<string, string>>(labels: T, message: string) {
  return z.enum(Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]], { message });
}
