import type { BusinessCaseInput } from '../domain/business-case/input.js';
import { InputError, NotFoundError } from '../domain/errors.js';
import type { Membership } from '../domain/access.js';
import type { Sql } from './db.js';
import { visibleTo } from './membership.js';
import { Conditions } from './rows.js';
import { partnershipId } from './keys.js';

export interface StoredBusinessCase {
  id: number;
  partnershipSlug: string;
  partnershipName: string;
  updatedAt: string;
  input: BusinessCaseInput;
}

const SELECT = `SELECT c.id, p.slug AS "partnershipSlug", p.name AS "partnershipName", c.updated_at AS "updatedAt", c.input
  FROM business_cases c JOIN partnerships p ON p.id = c.partnership_id`;

export async function getBusinessCase(sql: Sql, id: number): Promise<StoredBusinessCase> {
  const [row] = await sql.query<StoredBusinessCase>(`${SELECT} WHERE c.id = $1`, [id]);
  if (!row) throw new NotFoundError(`No business case has the number ${id}`);
  return row;
}

/** The business cases a reader may see (every case is private to its partnership's members). */
export async function listBusinessCases(
  sql: Sql,
  m: Membership,
  partnership?: string,
): Promise<StoredBusinessCase[]> {
  const c = new Conditions().add('p.slug = ?', partnership);
  c.require(visibleTo(c, m, 'true', 'c.partnership_id'));
  return sql.query<StoredBusinessCase>(
    `${SELECT} ${c.where()} ORDER BY c.updated_at DESC, c.id DESC`,
    c.params,
  );
}

/** Saves a new case, or replaces case `id`; returns its number. */
export async function saveBusinessCase(sql: Sql, input: BusinessCaseInput, id?: number): Promise<number> {
  const partnership = await partnershipId(sql, input.partnership);
  if (input.projectId !== undefined) {
    const [project] = await sql.query('SELECT 1 FROM projects WHERE id = $1 AND partnership_id = $2', [
      input.projectId,
      partnership,
    ]);
    if (!project)
      throw new InputError('The project is not one of the partnership’s', [
        { field: 'projectId', message: 'Choose one of the partnership’s projects, or none' },
      ]);
  }
  const values = [partnership, input.projectId ?? null, input.name, JSON.stringify(input)];
  if (id !== undefined) {
    const rows = await sql.query<{ id: number }>(
      `UPDATE business_cases SET partnership_id = $1, project_id = $2, name = $3, input = $4, updated_at = now()
       WHERE id = $5 RETURNING id`,
      [...values, id],
    );
    if (!rows.length) throw new NotFoundError(`No business case has the number ${id}`);
    return id;
  }
  const [row] = await sql.query<{ id: number }>(
    'INSERT INTO business_cases (partnership_id, project_id, name, input) VALUES ($1, $2, $3, $4) RETURNING id',
    values,
  );
  return (row as { id: number }).id;
}

export async function deleteBusinessCase(sql: Sql, id: number) {
  const rows = await sql.query('DELETE FROM business_cases WHERE id = $1 RETURNING id', [id]);
  if (!rows.length) throw new NotFoundError(`No business case has the number ${id}`);
}
