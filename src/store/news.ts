import type { Named } from '../domain/mentions.js';
import {
  bySection,
  type Edition,
  type EditionSummary,
  type EditionInput,
  type NewsItem,
  type NewsItemInput,
} from '../domain/news.js';
import { ConflictError, InputError, NotFoundError } from '../domain/errors.js';
import { resolveBodyIds } from './bodies.js';
import type { Sql } from './db.js';
import { Conditions } from './rows.js';

const SELECT_ITEM = `SELECT i.id, i.headline, i.source, i.url, i.published_on AS "publishedOn", i.summary, i.section,
    i.services,
    COALESCE((SELECT json_agg(json_build_object('code', b.code, 'name', b.name) ORDER BY b.name)
      FROM news_item_bodies ib JOIN bodies b ON b.id = ib.body_id WHERE ib.item_id = i.id), '[]') AS bodies,
    COALESCE((SELECT json_agg(json_build_object('slug', p.slug, 'name', p.name) ORDER BY p.name)
      FROM news_item_partnerships ip JOIN partnerships p ON p.id = ip.partnership_id WHERE ip.item_id = i.id), '[]')
      AS partnerships
  FROM news_items i`;

const withCodes = (row: Omit<NewsItem, 'bodyCodes' | 'partnershipSlugs'>): NewsItem => ({
  ...row,
  bodyCodes: row.bodies.map((b) => b.code),
  partnershipSlugs: row.partnerships.map((p) => p.slug),
});

export interface NewsFilter {
  section?: string | undefined;
  body?: string | undefined;
  partnership?: string | undefined;
  /** Items in no edition but this one (0 for a new edition): what an edition may be made of. */
  availableTo?: number;
  limit?: number;
}

/** News items, newest first. */
export async function listNewsItems(sql: Sql, filter: NewsFilter = {}): Promise<NewsItem[]> {
  const c = new Conditions()
    .add('i.section = ?', filter.section)
    .add(
      'EXISTS (SELECT 1 FROM news_item_bodies ib JOIN bodies b ON b.id = ib.body_id WHERE ib.item_id = i.id AND b.code = ?)',
      filter.body?.toUpperCase(),
    )
    .add(
      `EXISTS (SELECT 1 FROM news_item_partnerships ip JOIN partnerships p ON p.id = ip.partnership_id
               WHERE ip.item_id = i.id AND p.slug = ?)`,
      filter.partnership,
    );
  if (filter.availableTo !== undefined)
    c.require(
      `NOT EXISTS (SELECT 1 FROM edition_items e WHERE e.item_id = i.id AND e.edition_id <> ${c.param(filter.availableTo)})`,
    );
  const rows = await sql.query<Omit<NewsItem, 'bodyCodes' | 'partnershipSlugs'>>(
    `${SELECT_ITEM} ${c.where()} ORDER BY i.published_on DESC, i.id DESC LIMIT ${c.param(filter.limit ?? 100)}`,
    c.params,
  );
  return rows.map(withCodes);
}

export async function getNewsItem(sql: Sql, id: number): Promise<NewsItem> {
  const [row] = await sql.query<Omit<NewsItem, 'bodyCodes' | 'partnershipSlugs'>>(
    `${SELECT_ITEM} WHERE i.id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError(`No news item has the number ${id}`);
  return withCodes(row);
}

/** Adds an item, or replaces item `id`, with its links to bodies and partnerships. */
export async function saveNewsItem(sql: Sql, input: NewsItemInput, id?: number): Promise<number> {
  return sql.transaction(async (tx) => {
    const bodyIdOf = await resolveBodyIds(
      tx,
      input.bodyCodes.map((code, i) => ({ code, field: `bodyCodes.${i}` })),
    );
    const partnerships = await tx.query<{ id: number; slug: string }>(
      'SELECT id, slug FROM partnerships WHERE slug = ANY($1::text[])',
      [input.partnershipSlugs],
    );
    const unknown = input.partnershipSlugs.filter((s) => !partnerships.some((p) => p.slug === s));
    if (unknown.length)
      throw new InputError(
        'Some partnerships are not in the register',
        unknown.map((s) => ({ field: 'partnershipSlugs', message: `No partnership is called ${s}` })),
      );
    const values = [
      input.headline,
      input.source,
      input.url,
      input.publishedOn,
      input.summary,
      input.section,
      [...new Set(input.services)],
    ];
    let itemId: number;
    if (id === undefined) {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO news_items (headline, source, url, published_on, summary, section, services)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        values,
      );
      itemId = row!.id;
    } else {
      const rows = await tx.query(
        `UPDATE news_items SET headline = $1, source = $2, url = $3, published_on = $4, summary = $5, section = $6,
           services = $7, updated_at = now() WHERE id = $8 RETURNING id`,
        [...values, id],
      );
      if (!rows.length) throw new NotFoundError(`No news item has the number ${id}`);
      itemId = id;
      await tx.query('DELETE FROM news_item_bodies WHERE item_id = $1', [id]);
      await tx.query('DELETE FROM news_item_partnerships WHERE item_id = $1', [id]);
    }
    for (const code of new Set(input.bodyCodes))
      await tx.query('INSERT INTO news_item_bodies VALUES ($1, $2)', [itemId, bodyIdOf(code)]);
    for (const p of partnerships)
      await tx.query('INSERT INTO news_item_partnerships VALUES ($1, $2)', [itemId, p.id]);
    return itemId;
  });
}

/** Everything an item's text might name: current and former bodies, and partnerships. */
export async function mentionables(sql: Sql): Promise<{ bodies: Named[]; partnerships: Named[] }> {
  const bodies = await sql.query<{ code: string; name: string; altNames: string[] }>(
    'SELECT code, name, alt_names AS "altNames" FROM bodies ORDER BY name',
  );
  const partnerships = await sql.query<{ slug: string; name: string }>(
    'SELECT slug, name FROM partnerships ORDER BY name',
  );
  return {
    bodies: bodies.map((b) => ({ key: b.code, name: b.name, altNames: b.altNames })),
    partnerships: partnerships.map((p) => ({ key: p.slug, name: p.name })),
  };
}

/** Editions, newest first: published ones only, unless drafts are wanted too. */
export async function listEditions(sql: Sql, withDrafts = false): Promise<EditionSummary[]> {
  const rows = await sql.query<EditionSummary & { publishedAt: string | null }>(
    `SELECT e.id, e.week_of AS "weekOf", e.published_at AS "publishedAt",
       (SELECT count(*)::int FROM edition_items x WHERE x.edition_id = e.id) AS items
     FROM editions e ${withDrafts ? '' : 'WHERE e.published_at IS NOT NULL'} ORDER BY e.week_of DESC`,
  );
  return rows.map(({ publishedAt, ...e }) => (publishedAt ? { ...e, publishedAt } : e));
}

export async function getEdition(sql: Sql, id: number): Promise<Edition> {
  const [row] = await sql.query<{
    id: number;
    weekOf: string;
    introduction: string;
    publishedAt: string | null;
  }>(
    `SELECT id, week_of AS "weekOf", introduction, published_at AS "publishedAt" FROM editions WHERE id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError(`No edition has the number ${id}`);
  const items = await sql.query<Omit<NewsItem, 'bodyCodes' | 'partnershipSlugs'>>(
    `${SELECT_ITEM} JOIN edition_items x ON x.item_id = i.id WHERE x.edition_id = $1 ORDER BY x.position`,
    [id],
  );
  const { publishedAt, ...edition } = row;
  return { ...edition, ...(publishedAt ? { publishedAt } : {}), sections: bySection(items.map(withCodes)) };
}

/** Saves a draft edition; a published one is not changed (its readers have it already). */
export async function saveEdition(sql: Sql, input: EditionInput, id?: number): Promise<number> {
  return sql.transaction(async (tx) => {
    const found = await tx.query<{ id: number }>('SELECT id FROM news_items WHERE id = ANY($1::int[])', [
      input.itemIds,
    ]);
    const missing = input.itemIds.filter((i) => !found.some((f) => f.id === i));
    if (missing.length)
      throw new InputError('Some items do not exist', [
        { field: 'itemIds', message: `No news item ${missing.join(', ')}` },
      ]);
    let editionId: number;
    try {
      if (id === undefined) {
        const [row] = await tx.query<{ id: number }>(
          'INSERT INTO editions (week_of, introduction) VALUES ($1, $2) RETURNING id',
          [input.weekOf, input.introduction],
        );
        editionId = row!.id;
      } else {
        const rows = await tx.query<{ published: boolean }>(
          `UPDATE editions SET week_of = $1, introduction = $2, updated_at = now()
           WHERE id = $3 RETURNING published_at IS NOT NULL AS published`,
          [input.weekOf, input.introduction, id],
        );
        if (!rows.length) throw new NotFoundError(`No edition has the number ${id}`);
        if (rows[0]?.published) throw new ConflictError('A published edition cannot be changed');
        editionId = id;
        await tx.query('DELETE FROM edition_items WHERE edition_id = $1', [id]);
      }
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new InputError('There is already an edition for that week', [
          { field: 'weekOf', message: 'There is already an edition for that week' },
        ]);
      throw error;
    }
    for (const [position, itemId] of input.itemIds.entries())
      await tx.query('INSERT INTO edition_items VALUES ($1, $2, $3)', [editionId, itemId, position]);
    return editionId;
  });
}

/**
 * Publishes an edition and queues it for every confirmed subscriber, once: a subscriber already
 * queued for it is not queued again. Returns how many were queued.
 */
export async function publishEdition(sql: Sql, id: number): Promise<number> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query(
      'UPDATE editions SET published_at = coalesce(published_at, now()) WHERE id = $1 RETURNING id',
      [id],
    );
    if (!rows.length) throw new NotFoundError(`No edition has the number ${id}`);
    const queued = await tx.query(
      `INSERT INTO deliveries (edition_id, subscriber_id)
       SELECT $1, s.id FROM subscribers s WHERE s.status = 'confirmed'
       ON CONFLICT DO NOTHING RETURNING subscriber_id`,
      [id],
    );
    return queued.length;
  });
}

/** The public savings claims that cite an article as their source, with their partnerships. */
export async function claimsSourcedFrom(
  sql: Sql,
  url: string,
): Promise<{ slug: string; name: string; amountPence: number }[]> {
  return sql.query(
    `SELECT p.slug, p.name, s.amount_pence AS "amountPence" FROM savings_claims s
     JOIN partnerships p ON p.id = s.partnership_id WHERE s.source_url = $1 AND NOT s.confidential ORDER BY p.name`,
    [url],
  );
}
