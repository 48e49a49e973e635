import type { Membership } from '../domain/access.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { Member, Partnership, PartnershipInput, PartnershipKind } from '../domain/partnerships.js';
import { slugify } from '../domain/partnerships.js';
import type { Service } from '../domain/services.js';
import { resolveBodyIds } from './bodies.js';
import { partnershipId } from './keys.js';
import type { Sql } from './db.js';
import { listProjects } from './projects.js';
import { visibleTo } from './membership.js';
import { Conditions, containing, type Page, type Paging, withoutNulls } from './rows.js';

export interface PartnershipFilter {
  q?: string | undefined;
  kind?: PartnershipKind | undefined;
  service?: Service | undefined;
  region?: string | undefined;
  status?: string | undefined;
  /** A member body's code. */
  member?: string | undefined;
}

export interface PartnershipSummary {
  slug: string;
  name: string;
  kind: PartnershipKind;
  status: string;
  startDate?: string;
  memberCount: number;
  regions: string[];
  services: Service[];
  leadName?: string;
  projectCount: number;
}

export async function listPartnerships(
  sql: Sql,
  filter: PartnershipFilter,
  paging: Paging,
  m: Membership,
): Promise<Page<PartnershipSummary>> {
  const c = new Conditions()
    .add('(p.name ILIKE ? OR p.description ILIKE ?)', containing(filter.q))
    .add('p.kind = ?', filter.kind)
    .add('p.status = ?', filter.status)
    .add(
      'EXISTS (SELECT 1 FROM partnership_services s WHERE s.partnership_id = p.id AND s.service = ?)',
      filter.service,
    )
    .add(
      `EXISTS (SELECT 1 FROM partnership_members m JOIN bodies b ON b.id = m.body_id
               WHERE m.partnership_id = p.id AND b.region = ?)`,
      filter.region,
    )
    .add(
      `EXISTS (SELECT 1 FROM partnership_members m JOIN bodies b ON b.id = m.body_id
               WHERE m.partnership_id = p.id AND b.code = ?)`,
      filter.member?.toUpperCase(),
    );
  const [{ total } = { total: 0 }] = await sql.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM partnerships p ${c.where()}`,
    c.params,
  );
  const projectCount = `(SELECT count(*)::int FROM projects j
    WHERE j.partnership_id = p.id AND ${visibleTo(c, m, 'j.draft', 'j.partnership_id')})`;
  const rows = await sql.query<PartnershipSummary & { leadName: string | null; startDate: string | null }>(
    `SELECT p.slug, p.name, p.kind, p.status, p.start_date AS "startDate",
       (SELECT count(*)::int FROM partnership_members m WHERE m.partnership_id = p.id) AS "memberCount",
       ARRAY(SELECT DISTINCT b.region FROM partnership_members m JOIN bodies b ON b.id = m.body_id
             WHERE m.partnership_id = p.id AND b.region IS NOT NULL ORDER BY b.region) AS regions,
       ARRAY(SELECT s.service FROM partnership_services s WHERE s.partnership_id = p.id ORDER BY s.service) AS services,
       (SELECT string_agg(b.name, ', ' ORDER BY b.name) FROM partnership_members m JOIN bodies b ON b.id = m.body_id
        WHERE m.partnership_id = p.id AND m.role = 'lead') AS "leadName",
       ${projectCount} AS "projectCount"
     FROM partnerships p ${c.where()}
     ORDER BY p.name LIMIT ${c.param(paging.perPage)} OFFSET ${c.param((paging.page - 1) * paging.perPage)}`,
    c.params,
  );
  return { items: rows.map(withoutNulls), total, ...paging };
}

/** A partnership as a reader may see it: confidential savings and draft projects for members only. */
export async function getPartnership(sql: Sql, slug: string, m: Membership): Promise<Partnership> {
  const [row] = await sql.query<Record<string, unknown>>(
    `SELECT id, slug, name, kind, status, start_date AS "startDate", end_date AS "endDate", description,
       updated_at AS "updatedAt",
       ARRAY(SELECT s.service FROM partnership_services s WHERE s.partnership_id = p.id ORDER BY s.service) AS services
     FROM partnerships p WHERE slug = $1`,
    [slug],
  );
  if (!row) throw new NotFoundError(`No partnership is called ${slug}`);
  const { id, ...partnership } = withoutNulls(row);
  const members = await sql.query<Member>(
    `SELECT b.code AS "bodyCode", b.name AS "bodyName", m.role, b.region FROM partnership_members m
     JOIN bodies b ON b.id = m.body_id WHERE m.partnership_id = $1
     ORDER BY CASE m.role WHEN 'lead' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, b.name`,
    [id],
  );
  const governance = await sql.query<Record<string, unknown>>(
    `SELECT g.person, g.role, b.code AS "bodyCode", b.name AS "bodyName", g.expertise FROM governance_roles g
     LEFT JOIN bodies b ON b.id = g.body_id WHERE g.partnership_id = $1 ORDER BY g.position`,
    [id],
  );
  const fundingAwards = await sql.query<Record<string, unknown>>(
    `SELECT f.scheme, f.amount_pence AS "amountPence", f.year, b.code AS "bodyCode", b.name AS "bodyName"
     FROM funding_awards f LEFT JOIN bodies b ON b.id = f.body_id WHERE f.partnership_id = $1 ORDER BY f.position`,
    [id],
  );
  const claims = new Conditions().add('s.partnership_id = ?', id);
  claims.require(visibleTo(claims, m, 's.confidential', 's.partnership_id'));
  const savingsClaims = await sql.query<Record<string, unknown>>(
    `SELECT amount_pence AS "amountPence", period, description, source_url AS "sourceUrl", status, confidential
     FROM savings_claims s ${claims.where()} ORDER BY position`,
    claims.params,
  );
  return {
    ...(partnership as Omit<
      Partnership,
      'members' | 'governance' | 'fundingAwards' | 'savingsClaims' | 'projects'
    >),
    members: members.map(withoutNulls),
    governance: governance.map(withoutNulls) as unknown as Partnership['governance'],
    fundingAwards: fundingAwards.map(withoutNulls) as unknown as Partnership['fundingAwards'],
    savingsClaims: savingsClaims.map(withoutNulls) as unknown as Partnership['savingsClaims'],
    projects: await listProjects(sql, { partnership: String(partnership.slug) }, m),
  };
}

/**
 * Creates a partnership, or replaces one's details, members, services, governance, funding and
 * savings as one transaction. Projects are kept: they have lives of their own.
 */
export async function savePartnership(
  sql: Sql,
  input: PartnershipInput,
  mode: { create: true } | { update: string } | { upsert: true },
): Promise<{ slug: string; created: boolean }> {
  const slug = input.slug ?? ('update' in mode ? mode.update : slugify(input.name));
  return sql.transaction(async (tx) => {
    const [existing] = await tx.query<{ id: number }>('SELECT id FROM partnerships WHERE slug = $1', [
      'update' in mode ? mode.update : slug,
    ]);
    if ('update' in mode && !existing) throw new NotFoundError(`No partnership is called ${mode.update}`);
    if ('create' in mode && existing) {
      throw new ConflictError(
        `A partnership with the short name ${slug} already exists; choose another name`,
      );
    }
    if ('update' in mode && slug !== mode.update) {
      const [taken] = await tx.query('SELECT 1 FROM partnerships WHERE slug = $1', [slug]);
      if (taken) throw new ConflictError(`A partnership with the short name ${slug} already exists`);
    }
    const idOf = await resolveBodyIds(tx, [
      ...input.members.map((m, i) => ({ code: m.bodyCode, field: `members.${i}.bodyCode` })),
      ...input.governance.flatMap((g, i) =>
        g.bodyCode ? [{ code: g.bodyCode, field: `governance.${i}.bodyCode` }] : [],
      ),
      ...input.fundingAwards.flatMap((f, i) =>
        f.bodyCode ? [{ code: f.bodyCode, field: `fundingAwards.${i}.bodyCode` }] : [],
      ),
    ]);
    const values = [
      slug,
      input.name,
      input.kind,
      input.status,
      input.startDate ?? null,
      input.endDate ?? null,
      input.description,
    ];
    let id: number;
    if (existing) {
      id = existing.id;
      await tx.query(
        `UPDATE partnerships SET slug = $1, name = $2, kind = $3, status = $4, start_date = $5, end_date = $6,
           description = $7, updated_at = now() WHERE id = $8`,
        [...values, id],
      );
      for (const table of [
        'partnership_members',
        'partnership_services',
        'governance_roles',
        'funding_awards',
        'savings_claims',
      ]) {
        await tx.query(`DELETE FROM ${table} WHERE partnership_id = $1`, [id]);
      }
    } else {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO partnerships (slug, name, kind, status, start_date, end_date, description)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        values,
      );
      id = (row as { id: number }).id;
    }
    for (const m of input.members) {
      await tx.query('INSERT INTO partnership_members VALUES ($1, $2, $3)', [id, idOf(m.bodyCode), m.role]);
    }
    for (const service of new Set(input.services)) {
      await tx.query('INSERT INTO partnership_services VALUES ($1, $2)', [id, service]);
    }
    for (const [i, g] of input.governance.entries()) {
      await tx.query(
        `INSERT INTO governance_roles (partnership_id, position, person, role, body_id, expertise)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, i, g.person, g.role, g.bodyCode ? idOf(g.bodyCode) : null, g.expertise ?? null],
      );
    }
    for (const [i, f] of input.fundingAwards.entries()) {
      await tx.query(
        `INSERT INTO funding_awards (partnership_id, position, scheme, amount_pence, year, body_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, i, f.scheme, f.amountPence, f.year, f.bodyCode ? idOf(f.bodyCode) : null],
      );
    }
    for (const [i, s] of input.savingsClaims.entries()) {
      await tx.query(
        `INSERT INTO savings_claims (partnership_id, position, amount_pence, period, description, source_url, status,
           confidential) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, i, s.amountPence, s.period, s.description, s.sourceUrl ?? null, s.status, s.confidential],
      );
    }
    return { slug, created: !existing };
  });
}

export async function deletePartnership(sql: Sql, slug: string): Promise<void> {
  const rows = await sql.query('DELETE FROM partnerships WHERE slug = $1 RETURNING id', [slug]);
  if (!rows.length) throw new NotFoundError(`No partnership is called ${slug}`);
}

/** Adds a member, or changes an existing member's role. */
export async function setMember(
  sql: Sql,
  slug: string,
  bodyCode: string,
  role: Member['role'],
): Promise<void> {
  await sql.transaction(async (tx) => {
    const id = await partnershipId(tx, slug);
    const idOf = await resolveBodyIds(tx, [{ code: bodyCode, field: 'bodyCode' }]);
    await tx.query(
      `INSERT INTO partnership_members VALUES ($1, $2, $3)
       ON CONFLICT (partnership_id, body_id) DO UPDATE SET role = EXCLUDED.role`,
      [id, idOf(bodyCode), role],
    );
    await tx.query('UPDATE partnerships SET updated_at = now() WHERE id = $1', [id]);
  });
}

export async function removeMember(sql: Sql, slug: string, bodyCode: string): Promise<void> {
  await sql.transaction(async (tx) => {
    const id = await partnershipId(tx, slug);
    const rows = await tx.query(
      `DELETE FROM partnership_members WHERE partnership_id = $1
       AND body_id = (SELECT id FROM bodies WHERE code = $2) RETURNING body_id`,
      [id, bodyCode.toUpperCase()],
    );
    if (!rows.length) throw new NotFoundError(`${bodyCode} is not a member of this partnership`);
    await tx.query('UPDATE partnerships SET updated_at = now() WHERE id = $1', [id]);
  });
}

/**
 * The member bodies' codes of the partnership a record belongs to: the partnership named by its
 * slug, or the one holding a project or business case; undefined when there is no such record.
 * `private` says whether only members may know the record exists: a business case, a draft project.
 */
/** What a route's key names: a partnership, or a record of one by its number. */
export type RecordOfPartnership = 'slug' | 'project' | 'business-case' | 'benefits-plan';

export async function memberCodes(
  sql: Sql,
  from: RecordOfPartnership,
  key: string,
): Promise<{ codes: string[]; private: boolean } | undefined> {
  if (from !== 'slug' && !/^\d{1,9}$/.test(key)) return undefined;
  const partnership = {
    slug: 'SELECT id FROM partnerships WHERE slug = $1',
    project: 'SELECT partnership_id FROM projects WHERE id = $1::int',
    'business-case': 'SELECT partnership_id FROM business_cases WHERE id = $1::int',
    'benefits-plan': 'SELECT partnership_id FROM benefits_plans WHERE id = $1::int',
  }[from];
  const isPrivate = {
    slug: 'false',
    project: 'coalesce((SELECT draft FROM projects WHERE id = $1::int), false)',
    'business-case': 'true',
    'benefits-plan': 'coalesce((SELECT confidential FROM benefits_plans WHERE id = $1::int), false)',
  }[from];
  const [row] = await sql.query<{ found: boolean; codes: string[]; private: boolean }>(
    `SELECT EXISTS (${partnership}) AS found, ${isPrivate} AS private,
       ARRAY(SELECT b.code FROM partnership_members m JOIN bodies b ON b.id = m.body_id
             WHERE m.partnership_id = (${partnership})) AS codes`,
    [key],
  );
  return row?.found ? { codes: row.codes, private: row.private } : undefined;
}
