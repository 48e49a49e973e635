import type { Body, BodyInput, BodyKind, BodyRef, Nation } from '../domain/bodies.js';
import { today } from '../domain/dates.js';
import { ConflictError, InputError, locating, NotFoundError, type Problem } from '../domain/errors.js';
import type { Sql } from './db.js';
import { dropBodyPayments } from './payment-tables.js';
import { Conditions, containing, type Page, type Paging, withoutNulls } from './rows.js';

export interface BodyFilter {
  q?: string | undefined;
  kind?: BodyKind | undefined;
  nation?: Nation | undefined;
  region?: string | undefined;
  /** current: not ended today; former: ended. */
  status?: 'current' | 'former' | undefined;
}

export interface BodySummary {
  code: string;
  name: string;
  kind: BodyKind;
  nation: Nation;
  region?: string;
  population?: number;
  startDate?: string;
  endDate?: string;
  parentName?: string;
}

const SUMMARY = `b.code, b.name, b.kind, b.nation, b.region, b.population,
  b.start_date AS "startDate", b.end_date AS "endDate", p.name AS "parentName"`;

export async function listBodies(sql: Sql, filter: BodyFilter, paging: Paging): Promise<Page<BodySummary>> {
  const c = new Conditions()
    .add(
      `(b.name ILIKE ? OR b.code ILIKE ? OR array_to_string(b.alt_names, '|') ILIKE ?)`,
      containing(filter.q),
    )
    .add('b.kind = ?', filter.kind)
    .add('b.nation = ?', filter.nation)
    .add('b.region = ?', filter.region)
    .add(
      filter.status === 'current' ? '(b.end_date IS NULL OR b.end_date >= ?)' : 'b.end_date < ?',
      filter.status && today(),
    );
  const from = `FROM bodies b LEFT JOIN bodies p ON p.id = b.parent_id ${c.where()}`;
  const [{ total } = { total: 0 }] = await sql.query<{ total: number }>(
    `SELECT count(*)::int AS total ${from}`,
    c.params,
  );
  const rows = await sql.query<BodySummary>(
    `SELECT ${SUMMARY} ${from} ORDER BY b.name, b.code
     LIMIT ${c.param(paging.perPage)} OFFSET ${c.param((paging.page - 1) * paging.perPage)}`,
    c.params,
  );
  return { items: rows.map(withoutNulls), total, ...paging };
}

/** The regions that bodies are in, for filters. */
export async function listRegions(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ region: string }>(
    'SELECT DISTINCT region FROM bodies WHERE region IS NOT NULL ORDER BY region',
  );
  return rows.map((r) => r.region);
}

/** Every body's code and name, for pickers. */
export async function listBodyRefs(sql: Sql): Promise<(BodyRef & { endDate?: string })[]> {
  const rows = await sql.query<BodyRef & { endDate: string | null }>(
    'SELECT code, name, end_date AS "endDate" FROM bodies ORDER BY name',
  );
  return rows.map(withoutNulls);
}

export async function getBody(sql: Sql, code: string): Promise<Body> {
  const [row] = await sql.query<Record<string, unknown>>(
    `SELECT b.id, b.code, b.registry_code AS "registryCode", b.name, b.kind, b.nation, b.region, b.population,
       b.latitude, b.longitude, b.start_date AS "startDate", b.end_date AS "endDate", b.alt_names AS "altNames", b.updated_at AS "updatedAt",
       p.code AS "parentCode", p.name AS "parentName"
     FROM bodies b LEFT JOIN bodies p ON p.id = b.parent_id WHERE b.code = $1`,
    [code.toUpperCase()],
  );
  if (!row) throw new NotFoundError(`No body has the code ${code}`);
  const { id, parentCode, parentName, ...body } = withoutNulls(row);
  const refs = (table: string, column: string) =>
    sql.query<BodyRef>(
      `SELECT o.code, o.name FROM ${table} l JOIN bodies o ON o.id = l.${column} WHERE l.body_id = $1 ORDER BY o.name`,
      [id],
    );
  return {
    ...(body as Omit<Body, 'successors' | 'neighbours'>),
    ...(parentCode ? { parent: { code: String(parentCode), name: String(parentName) } } : {}),
    successors: await refs('body_successors', 'successor_id'),
    neighbours: await refs('body_neighbours', 'neighbour_id'),
  };
}

/** The bodies that an ended body's successors replaced it with, and the ones it replaced. */
export async function listPredecessors(sql: Sql, code: string): Promise<BodyRef[]> {
  return sql.query<BodyRef>(
    `SELECT o.code, o.name FROM body_successors l
       JOIN bodies o ON o.id = l.body_id JOIN bodies s ON s.id = l.successor_id
     WHERE s.code = $1 ORDER BY o.name`,
    [code.toUpperCase()],
  );
}

/**
 * Maps codes (or local-authority register codes) to row ids, or throws an InputError
 * naming each unknown code and the field it came from.
 */
/** Name and population of each body given by code (those that exist). */
export async function bodiesByCode(
  sql: Sql,
  codes: string[],
): Promise<{ code: string; name: string; population: number | null }[]> {
  return sql.query('SELECT code, name, population FROM bodies WHERE code = ANY($1)', [codes]);
}

export async function resolveBodyIds(sql: Sql, wanted: { code: string; field: string }[]) {
  const codes = [...new Set(wanted.map((w) => w.code.toUpperCase()))];
  const rows = await sql.query<{ id: number; code: string; registry_code: string | null }>(
    'SELECT id, code, registry_code FROM bodies WHERE code = ANY($1) OR registry_code = ANY($1)',
    [codes],
  );
  const ids = new Map<string, number>();
  for (const r of rows) {
    ids.set(r.code, r.id);
    if (r.registry_code) ids.set(r.registry_code, r.id);
  }
  const problems: Problem[] = wanted
    .filter((w) => !ids.has(w.code.toUpperCase()))
    .map((w) => ({ field: w.field, message: `No body has the code ${w.code}` }));
  if (problems.length) throw new InputError('Some bodies are not in the directory', problems);
  return (code: string) => ids.get(code.toUpperCase()) as number;
}

export type SaveMode = { create: true } | { update: string } | { upsert: true };

/** Creates or updates one body with its links; returns whether it was new. */
export async function saveBody(sql: Sql, body: BodyInput, mode: SaveMode): Promise<{ created: boolean }> {
  return sql.transaction(async (tx) => {
    const existing = await tx.query<{ id: number; code: string }>(
      'SELECT id, code FROM bodies WHERE code = $1 OR code = $2 OR ($3::text IS NOT NULL AND registry_code = $3)',
      ['update' in mode ? mode.update.toUpperCase() : body.code, body.code, body.registryCode ?? null],
    );
    const self = 'update' in mode ? existing.find((r) => r.code === mode.update.toUpperCase()) : existing[0];
    if ('update' in mode && !self) throw new NotFoundError(`No body has the code ${mode.update}`);
    if ('create' in mode && self) throw new ConflictError(`A body with the code ${body.code} already exists`);
    const clash = existing.find((r) => r.id !== self?.id);
    if (clash) throw new ConflictError(`Another body already has the code ${clash.code}`);

    const refs = [
      ...(body.parentCode ? [{ code: body.parentCode, field: 'parentCode' }] : []),
      ...(body.successorCodes ?? []).map((code, i) => ({ code, field: `successorCodes.${i}` })),
      ...(body.neighbourCodes ?? []).map((code, i) => ({ code, field: `neighbourCodes.${i}` })),
    ];
    const idOf = await resolveBodyIds(tx, refs);
    const values = [
      body.code,
      body.registryCode ?? null,
      body.name,
      body.kind,
      body.nation,
      body.region ?? null,
      body.parentCode ? idOf(body.parentCode) : null,
      body.population ?? null,
      body.startDate ?? null,
      body.endDate ?? null,
    ];
    let id: number;
    if (self) {
      id = self.id;
      await tx.query(
        `UPDATE bodies SET code = $1, registry_code = $2, name = $3, kind = $4, nation = $5, region = $6,
           parent_id = $7, population = $8, start_date = $9, end_date = $10,
           alt_names = COALESCE($12, alt_names), latitude = COALESCE($13, latitude),
           longitude = COALESCE($14, longitude), updated_at = now()
         WHERE id = $11`,
        [...values, id, body.altNames ?? null, body.latitude ?? null, body.longitude ?? null],
      );
    } else {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO bodies (code, registry_code, name, kind, nation, region, parent_id, population,
           start_date, end_date, alt_names, latitude, longitude)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [...values, body.altNames ?? [], body.latitude ?? null, body.longitude ?? null],
      );
      id = (row as { id: number }).id;
    }
    if (body.successorCodes) {
      await tx.query('DELETE FROM body_successors WHERE body_id = $1', [id]);
      for (const code of body.successorCodes) {
        await tx.query('INSERT INTO body_successors VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          id,
          idOf(code),
        ]);
      }
    }
    if (body.neighbourCodes) {
      await tx.query('DELETE FROM body_neighbours WHERE body_id = $1 OR neighbour_id = $1', [id]);
      for (const code of body.neighbourCodes) {
        await tx.query('INSERT INTO body_neighbours VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING', [
          id,
          idOf(code),
        ]);
      }
    }
    return { created: !self };
  });
}

export async function deleteBody(sql: Sql, code: string): Promise<void> {
  await sql.transaction(async (tx) => {
    const [body] = await tx.query<{ id: number; name: string }>(
      'SELECT id, name FROM bodies WHERE code = $1',
      [code.toUpperCase()],
    );
    if (!body) throw new NotFoundError(`No body has the code ${code}`);
    const uses = await tx.query<{ name: string }>(
      `SELECT DISTINCT p.name FROM partnerships p
       WHERE p.id IN (SELECT partnership_id FROM partnership_members WHERE body_id = $1
                UNION SELECT partnership_id FROM projects WHERE lead_body_id = $1
                UNION SELECT partnership_id FROM governance_roles WHERE body_id = $1
                UNION SELECT partnership_id FROM funding_awards WHERE body_id = $1
                UNION SELECT b.partnership_id FROM realised_savings r JOIN benefits_plans b ON b.id = r.plan_id
                  WHERE r.body_id = $1)
       ORDER BY p.name`,
      [body.id],
    );
    if (uses.length) {
      throw new ConflictError(
        `${body.name} cannot be deleted while the register uses it: ${uses.map((u) => u.name).join(', ')}`,
      );
    }
    // Spend tables carry no foreign keys (for load speed), so the body's spend goes explicitly.
    await dropBodyPayments(tx, body.id);
    await tx.query('DELETE FROM spend_cube WHERE body_id = $1', [body.id]);
    await tx.query('DELETE FROM analysis_cube WHERE body_id = $1', [body.id]);
    await tx.query('DELETE FROM bodies WHERE id = $1', [body.id]);
  });
}

/**
 * Loads many bodies as one transaction: all bodies first, then the links between them,
 * so a file may name a parent or successor that comes later in it. A problem names its row.
 */
export async function importBodies(sql: Sql, bodies: { row: number; body: BodyInput }[]) {
  return sql.transaction(async (tx) => {
    let created = 0;
    const atRow = (row: number, work: () => Promise<{ created: boolean }>) =>
      locating((p) => ({ ...p, row }), work);
    for (const { row, body } of bodies) {
      const { parentCode, successorCodes, neighbourCodes, ...own } = body;
      const result = await atRow(row, () => saveBody(tx, own, { upsert: true }));
      if (result.created) created++;
    }
    for (const { row, body } of bodies) {
      if (body.parentCode || body.successorCodes || body.neighbourCodes) {
        await atRow(row, () => saveBody(tx, body, { upsert: true }));
      }
    }
    return { created, updated: bodies.length - created };
  });
}

/** A body's row id, or undefined when no body has the code. */
export async function bodyIdOf(sql: Sql, code: string | undefined): Promise<number | undefined> {
  if (!code) return undefined;
  const [row] = await sql.query<{ id: number }>('SELECT id FROM bodies WHERE code = $1', [code]);
  return row?.id;
}

/** The bodies with spend held, by name: what a page about spend can be narrowed to. */
export async function bodiesWithSpend(sql: Sql): Promise<{ code: string; name: string }[]> {
  return sql.query(
    `SELECT b.code, b.name FROM bodies b WHERE EXISTS (SELECT 1 FROM spend_cube c WHERE c.body_id = b.id)
     ORDER BY b.name`,
  );
}
