import { NotFoundError } from '../domain/errors.js';
import type { Sql } from './db.js';

/** The row id behind the key people use for a record: shared by every module that refers to partnerships. */
export async function partnershipId(sql: Sql, slug: string): Promise<number> {
  const [row] = await sql.query<{ id: number }>('SELECT id FROM partnerships WHERE slug = $1', [slug]);
  if (!row) throw new NotFoundError(`No partnership is called ${slug}`);
  return row.id;
}
