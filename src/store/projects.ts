import type { Membership } from '../domain/access.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { Project, ProjectInput, ProjectStage } from '../domain/partnerships.js';
import type { Service } from '../domain/services.js';
import { resolveBodyIds } from './bodies.js';
import type { Sql } from './db.js';
import { partnershipId } from './keys.js';
import { visibleTo } from './membership.js';
import { Conditions, withoutNulls } from './rows.js';

export interface ProjectFilter {
  partnership?: string | undefined;
  /** Projects a body leads or whose partnership it belongs to. */
  body?: string | undefined;
  stage?: ProjectStage | undefined;
  service?: Service | undefined;
}

const SELECT = `SELECT j.id, j.name, j.service, j.stage, j.description, j.draft, j.updated_at AS "updatedAt",
    p.slug AS "partnershipSlug", p.name AS "partnershipName",
    b.code AS "leadBodyCode", b.name AS "leadBodyName"
  FROM projects j JOIN partnerships p ON p.id = j.partnership_id LEFT JOIN bodies b ON b.id = j.lead_body_id`;

/** Projects a reader may see: drafts only for the members of their partnership. */
export async function listProjects(sql: Sql, filter: ProjectFilter, m: Membership): Promise<Project[]> {
  const c = new Conditions()
    .add('p.slug = ?', filter.partnership)
    .add('j.stage = ?', filter.stage)
    .add('j.service = ?', filter.service)
    .add(
      `(b.code = ? OR EXISTS (SELECT 1 FROM partnership_members m JOIN bodies mb ON mb.id = m.body_id
              WHERE m.partnership_id = p.id AND mb.code = ?))`,
      filter.body?.toUpperCase(),
    );
  c.require(visibleTo(c, m, 'j.draft', 'j.partnership_id'));
  const rows = await sql.query<Record<string, unknown>>(
    `${SELECT} ${c.where()} ORDER BY p.name, j.id`,
    c.params,
  );
  return rows.map(withoutNulls) as unknown as Project[];
}

export async function getProject(sql: Sql, id: number, m: Membership): Promise<Project> {
  const c = new Conditions().add('j.id = ?', id);
  c.require(visibleTo(c, m, 'j.draft', 'j.partnership_id'));
  const [row] = await sql.query<Record<string, unknown>>(`${SELECT} ${c.where()}`, c.params);
  if (!row) throw new NotFoundError(`No project has the number ${id}`);
  return withoutNulls(row) as unknown as Project;
}

/** Adds a project to a partnership, or updates one; a project's name is unique within its partnership. */
export async function saveProject(
  sql: Sql,
  input: ProjectInput,
  /** upsert: a project of the same name in the partnership is updated rather than refused (imports). */
  mode: { partnership: string; upsert?: boolean } | { update: number },
): Promise<number> {
  return sql.transaction(async (tx) => {
    const lead = input.leadBodyCode
      ? (await resolveBodyIds(tx, [{ code: input.leadBodyCode, field: 'leadBodyCode' }]))(input.leadBodyCode)
      : null;
    const values = [input.name, input.service, lead, input.stage, input.description, input.draft];
    if ('update' in mode) {
      const rows = await tx.query<{ id: number }>(
        `UPDATE projects SET name = $1, service = $2, lead_body_id = $3, stage = $4, description = $5,
           draft = $6, updated_at = now() WHERE id = $7 RETURNING id`,
        [...values, mode.update],
      );
      if (!rows.length) throw new NotFoundError(`No project has the number ${mode.update}`);
      return mode.update;
    }
    const pid = await partnershipId(tx, mode.partnership);
    if (!mode.upsert) {
      const [taken] = await tx.query('SELECT 1 FROM projects WHERE partnership_id = $1 AND name = $2', [
        pid,
        input.name,
      ]);
      if (taken) throw new ConflictError(`This partnership already has a project called ${input.name}`);
    }
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO projects (partnership_id, name, service, lead_body_id, stage, description, draft)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (partnership_id, name) DO UPDATE SET service = EXCLUDED.service,
         lead_body_id = EXCLUDED.lead_body_id, stage = EXCLUDED.stage, description = EXCLUDED.description,
         draft = EXCLUDED.draft, updated_at = now()
       RETURNING id`,
      [pid, ...values],
    );
    return (row as { id: number }).id;
  });
}

export async function deleteProject(sql: Sql, id: number): Promise<void> {
  const rows = await sql.query('DELETE FROM projects WHERE id = $1 RETURNING id', [id]);
  if (!rows.length) throw new NotFoundError(`No project has the number ${id}`);
}
