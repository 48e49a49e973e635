import { today } from '../domain/dates.js';
import type { Membership } from '../domain/access.js';
import type { Sql } from './db.js';
import { visibleTo } from './membership.js';
import { Conditions } from './rows.js';

export interface RecentChange {
  what: 'Partnership' | 'Project' | 'Body';
  name: string;
  href: string;
  updatedAt: string;
}

/** The figures on the dashboard, each from one query over the register; private rows count for members only. */
export async function dashboard(sql: Sql, m: Membership) {
  const c = new Conditions();
  c.param(today());
  const project = visibleTo(c, m, 'j.draft', 'j.partnership_id');
  const claim = visibleTo(c, m, 's.confidential', 's.partnership_id');
  const businessCase = visibleTo(c, m, 'true', 'c.partnership_id');
  const [counts] = await sql.query<Record<string, number>>(
    `SELECT
       (SELECT count(*)::int FROM bodies) AS bodies,
       (SELECT count(*)::int FROM bodies WHERE end_date IS NULL OR end_date >= $1) AS "currentBodies",
       (SELECT count(*)::int FROM partnerships) AS partnerships,
       (SELECT count(*)::int FROM partnerships WHERE status = 'active') AS "activePartnerships",
       (SELECT count(*)::int FROM projects j WHERE ${project}) AS projects,
       (SELECT count(*)::int FROM projects j WHERE stage = 'live' AND ${project}) AS "liveProjects",
       (SELECT coalesce(sum(amount_pence), 0)::int8 FROM savings_claims s WHERE ${claim}) AS "savingsClaimedPence",
       (SELECT coalesce(sum(amount_pence), 0)::int8 FROM savings_claims s WHERE status = 'verified' AND ${claim})
         AS "savingsVerifiedPence",
       (SELECT coalesce(sum(amount_pence), 0)::int8 FROM analysis_cube) AS "spendPence",
       (SELECT count(DISTINCT body_id)::int FROM analysis_cube) AS "spendBodies",
       (SELECT count(*)::int FROM suppliers) AS suppliers,
       (SELECT count(*)::int FROM suppliers WHERE bodies >= 2) AS "sharedSuppliers",
       (SELECT count(*)::int FROM business_cases c WHERE ${businessCase}) AS "businessCases"`,
    c.params,
  );
  const byKind = await sql.query<{ kind: string; count: number }>(
    'SELECT kind, count(*)::int AS count FROM partnerships GROUP BY kind ORDER BY count DESC, kind',
  );
  const byRegion = await sql.query<{ region: string; count: number }>(
    `SELECT b.region, count(DISTINCT m.partnership_id)::int AS count
     FROM partnership_members m JOIN bodies b ON b.id = m.body_id WHERE b.region IS NOT NULL
     GROUP BY b.region ORDER BY count DESC, b.region`,
  );
  const r = new Conditions();
  const recentProject = visibleTo(r, m, 'j.draft', 'j.partnership_id');
  const recent = await sql.query<RecentChange>(
    `(SELECT 'Partnership' AS what, name, '/partnerships/' || slug AS href, updated_at AS "updatedAt" FROM partnerships)
     UNION ALL
     (SELECT 'Project', j.name, '/partnerships/' || p.slug || '#projects', j.updated_at
        FROM projects j JOIN partnerships p ON p.id = j.partnership_id WHERE ${recentProject})
     UNION ALL
     (SELECT 'Body', name, '/bodies/' || code, updated_at FROM bodies)
     ORDER BY "updatedAt" DESC, name LIMIT 10`,
    r.params,
  );
  return { counts: counts ?? {}, byKind, byRegion, recent };
}
