import type { Membership } from '../domain/access.js';
import type { BodyInput } from '../domain/bodies.js';
import { locating } from '../domain/errors.js';
import type { RegisterDocument } from '../domain/register.js';
import { importBodies } from './bodies.js';
import type { Sql } from './db.js';
import { getPartnership, savePartnership } from './partnerships.js';
import { saveProject } from './projects.js';
import { withoutNulls } from './rows.js';

/**
 * Loads a register document as one transaction: a problem anywhere stores nothing.
 * Records already present (same body code, partnership short name, project name) are updated,
 * so importing the same document twice changes nothing.
 */
export async function importRegister(sql: Sql, doc: RegisterDocument) {
  return sql.transaction(async (tx) => {
    const bodies = await within('bodies', () =>
      importBodies(
        tx,
        doc.bodies.map((body, i) => ({ row: i + 1, body })),
      ),
    );
    let partnerships = 0;
    let projects = 0;
    for (const [i, { projects: planned, ...partnership }] of doc.partnerships.entries()) {
      await within(`partnerships.${i}`, async () => {
        const { slug } = await savePartnership(tx, partnership, { upsert: true });
        for (const project of planned) {
          await saveProject(tx, project, { partnership: slug, upsert: true });
          projects++;
        }
      });
      partnerships++;
    }
    return { bodies, partnerships, projects };
  });
}

/** Names a problem by its place in the document: a row of a list becomes its index. */
function within<T>(path: string, work: () => Promise<T>): Promise<T> {
  return locating(
    (p) =>
      p.row === undefined
        ? { ...p, field: `${path}.${p.field}` }
        : { field: `${path}.${p.row - 1}.${p.field}`, message: p.message },
    work,
  );
}

/** The register as a reader may see it: FULL_ACCESS for a backup, a viewer's membership for a download. */
export async function exportRegister(sql: Sql, m: Membership): Promise<RegisterDocument> {
  const bodies = await sql.query<Record<string, unknown>>(
    `SELECT b.code, b.registry_code AS "registryCode", b.name, b.kind, b.nation, b.region,
       p.code AS "parentCode", b.population, b.latitude, b.longitude, b.start_date AS "startDate",
       b.end_date AS "endDate",
       ARRAY(SELECT s.code FROM body_successors l JOIN bodies s ON s.id = l.successor_id
             WHERE l.body_id = b.id ORDER BY s.code) AS "successorCodes",
       ARRAY(SELECT n.code FROM body_neighbours l JOIN bodies n ON n.id = l.neighbour_id
             WHERE l.body_id = b.id ORDER BY n.code) AS "neighbourCodes",
       b.alt_names AS "altNames"
     FROM bodies b LEFT JOIN bodies p ON p.id = b.parent_id ORDER BY b.code`,
  );
  const slugs = await sql.query<{ slug: string }>('SELECT slug FROM partnerships ORDER BY slug');
  const partnerships: RegisterDocument['partnerships'] = [];
  for (const { slug } of slugs) {
    const { members, projects, governance, fundingAwards, updatedAt, ...p } = await getPartnership(
      sql,
      slug,
      m,
    );
    partnerships.push({
      ...p,
      members: members.map(({ bodyCode, role }) => ({ bodyCode, role })),
      governance: governance.map(({ person, role, bodyCode, expertise }) =>
        withoutNulls({ person, role, bodyCode, expertise }),
      ),
      fundingAwards: fundingAwards.map(({ scheme, amountPence, year, bodyCode }) =>
        withoutNulls({ scheme, amountPence, year, bodyCode }),
      ),
      projects: projects.map(({ name, service, leadBodyCode, stage, description, draft }) =>
        withoutNulls({ name, service, leadBodyCode, stage, description, draft }),
      ),
    } as RegisterDocument['partnerships'][number]);
  }
  return { bodies: bodies.map(withoutNulls) as unknown as BodyInput[], partnerships };
}
