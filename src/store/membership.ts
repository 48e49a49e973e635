import type { Membership } from '../domain/access.js';
import type { Conditions } from './rows.js';

/**
 * SQL that is true for a row the reader may see: a row that is not private, or one private to the
 * members of a partnership the reader's body belongs to (every partnership, for site administrators).
 * `isPrivate` marks a row private; `partnership` is the column naming its partnership.
 */
export function visibleTo(c: Conditions, m: Membership, isPrivate: string, partnership: string): string {
  return `(NOT ${isPrivate} OR ${c.param(m.all)}::boolean OR EXISTS (SELECT 1 FROM partnership_members vm
    JOIN bodies vb ON vb.id = vm.body_id WHERE vm.partnership_id = ${partnership} AND vb.code = ${c.param(m.bodyCode)}::text))`;
}
