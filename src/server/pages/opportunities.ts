import { PUBLIC_ONLY } from '../../domain/access.js';
import { actorOf } from '../../services/accounts.js';
import { checkPartnershipAccess, mayEditPartnership, signedIn } from '../access.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CATEGORIES } from '../../domain/categories.js';
import { InputError } from '../../domain/errors.js';
import { OPPORTUNITY_TYPES } from '../../domain/opportunities.js';
import { parseInput } from '../../domain/validation.js';
import { saveOpportunityAsProject } from '../../services/opportunity-project.js';
import {
  findPartners,
  type OpportunityReport,
  opportunityReport,
  recentOpportunityReport,
} from '../../services/opportunities.js';
import { reportTables } from '../../services/opportunity-tables.js';
import type { Database } from '../../store/db.js';
import { evidencePayments } from '../../store/opportunities.js';
import { listPartnerships } from '../../store/partnerships.js';
import { hasSyntheticSpend } from '../../store/spend.js';
import { getBody } from '../../store/bodies.js';
import { page } from '../page.js';
import { sendTables } from '../downloads.js';
import { formErrors } from '../forms.js';
import { opportunityEvidence } from '../../domain/queries.js';

const exportQuery = z.object({
  table: z.string().optional(),
  format: z.enum(['csv', 'xlsx']).default('csv'),
});
/** Bars 300 units long at most, for the combined-spend chart; refunds beyond spend draw no bar. */
function barChart(rows: { label: string; spendPence: number }[]) {
  const largest = Math.max(1, ...rows.map((r) => r.spendPence));
  return rows.map((r) => ({
    ...r,
    width: Math.max(1, Math.round((300 * Math.max(0, r.spendPence)) / largest)),
  }));
}

/**
 * Columns for spend by month, ten units wide and up to 100 high, with a line at each April; the
 * highest month is named, as the axis's top.
 */
function columnChart(rows: { month: string; spendPence: number }[]) {
  const highest = rows.reduce<(typeof rows)[number] | undefined>(
    (top, r) => (!top || r.spendPence > top.spendPence ? r : top),
    undefined,
  );
  const largest = Math.max(1, highest?.spendPence ?? 0);
  return {
    width: rows.length * 10,
    highest,
    columns: rows.map((r, i) => {
      const height = Math.max(1, Math.round((100 * Math.max(0, r.spendPence)) / largest));
      return { ...r, x: i * 10 + 1, width: 8, y: 100 - height, height, april: r.month.endsWith('-04-01') };
    }),
  };
}

/** The pairwise overlaps as a grid of the selected bodies, for up to 15 of them. */
function overlapMatrix(report: Awaited<ReturnType<typeof opportunityReport>>) {
  if (report.bodies.length < 2 || report.bodies.length > 15) return undefined;
  const of = new Map(report.overlaps.map((o) => [`${o.a} ${o.b}`, o.overlap]));
  return report.bodies.map((row) => ({
    code: row.code,
    name: row.name,
    cells: report.bodies.map((col) => {
      const overlap =
        row.code === col.code
          ? undefined
          : (of.get(`${row.code} ${col.code}`) ?? of.get(`${col.code} ${row.code}`) ?? 0);
      return { code: col.code, overlap, shade: overlap === undefined ? 0 : Math.round(overlap * 6) };
    }),
  }));
}

/** "Bolton Council, Bury Council and 3 others": the bodies of a report, in few words. */
function namesOf(bodies: { name: string }[]): string {
  const names = bodies.map((b) => b.name);
  if (names.length <= 3)
    return names.join(names.length === 3 ? ', ' : ' and ').replace(/, ([^,]*)$/, ' and $1');
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
}

/** The query string that asks for the same report again, for links and exports. */
function sameQuery(query: Record<string, unknown>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ['partnership', 'bodies', 'from', 'to', 'assume'])
    if (typeof query[key] === 'string' && query[key]) params.set(key, query[key] as string);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

export function opportunityPages(app: FastifyInstance, db: Database) {
  const form = async (reply: FastifyReply, context: Record<string, unknown>) => {
    const partnerships: Record<string, string> = Object.fromEntries(
      (await listPartnerships(db, {}, { page: 1, perPage: 200 }, PUBLIC_ONLY)).items.map((p) => [
        p.slug,
        p.name,
      ]),
    );
    const report = context.report as OpportunityReport | undefined;
    const slug = (context.values as Record<string, string> | undefined)?.partnership;
    return page(reply, 'opportunities/report.njk', {
      // The page names what it is about: the partnership, or the bodies chosen.
      title: report
        ? `Opportunities for ${(slug && partnerships[slug]) || namesOf(report.bodies)}`
        : 'Opportunity finder',
      section: 'opportunities',
      partnerships,
      types: OPPORTUNITY_TYPES,
      errors: {},
      values: {},
      ...context,
    });
  };

  app.get('/opportunities', async (request, reply) => {
    const query = request.query as Record<string, string>;
    if (!query.partnership && !query.bodies) return form(reply, { synthetic: await hasSyntheticSpend(db) });
    try {
      const report = await recentOpportunityReport(db, query);
      return form(reply, {
        report,
        values: query,
        synthetic: report.synthetic,
        query: sameQuery(query),
        chart: barChart(report.byCategory),
        months: columnChart(report.byMonth),
        matrix: overlapMatrix(report),
        names: Object.fromEntries(report.bodies.map((b) => [b.code, b.name])),
        canSave: await mayEditPartnership(db, request.viewer, query.partnership),
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const problems = error.problems.length ? error.problems : [{ field: 'bodies', message: error.message }];
      return form(reply.status(422), { values: query, ...formErrors(problems) });
    }
  });

  app.get('/opportunities/export', async (request, reply) => {
    const query = request.query as Record<string, string>;
    const { table, format } = parseInput(exportQuery, query, 'export');
    const tables = reportTables(await opportunityReport(db, query)).filter((t) => !table || t.name === table);
    if (!tables.length)
      throw new InputError(`There is no table called ${table}`, [
        { field: 'table', message: 'Unknown table' },
      ]);
    return sendTables(reply, tables, format, 'pathfinder-opportunities');
  });

  app.get('/opportunities/evidence', async (request, reply) => {
    const query = request.query as Record<string, string>;
    const of = parseInput(opportunityEvidence, query, 'evidence');
    const report = await recentOpportunityReport(db, query);
    const evidence =
      report.period.from && report.period.to
        ? await evidencePayments(
            db,
            { bodies: report.bodies, from: report.period.from, to: report.period.to },
            {
              category: of.category,
              supplierId: of.supplier,
            },
          )
        : { payments: [], count: 0, totalPence: 0 };
    return page(reply, 'opportunities/evidence.njk', {
      title: of.category
        ? `Payments for ${CATEGORIES[of.category as keyof typeof CATEGORIES] ?? of.category}`
        : 'Payments to the supplier',
      section: 'opportunities',
      breadcrumbs: [{ text: 'Opportunity finder', href: `/opportunities?${sameQuery(query)}` }],
      synthetic: report.synthetic,
      ...evidence,
    });
  });

  app.post('/opportunities/projects', async (request, reply) => {
    const body = request.body as Record<string, string>;
    if (!body.partnership) throw new InputError('Choose the partnership the project belongs to');
    await checkPartnershipAccess(db, request.viewer, 'edit', 'slug', body.partnership);
    const report = await opportunityReport(db, body);
    const wanted = report.opportunities.find(
      (o) => `${o.type}:${JSON.stringify(o.evidence)}` === body.opportunity,
    );
    if (!wanted) throw new InputError('That opportunity is not in the report any more; run the report again');
    const id = await saveOpportunityAsProject(
      db,
      actorOf(signedIn(request)),
      body.partnership,
      wanted,
      report.period,
    );
    return reply.redirect(`/partnerships/${body.partnership}?done=project-saved#project-${id}`, 303);
  });

  app.get<{ Params: { code: string } }>('/bodies/:code/partners', async (request, reply) => {
    const body = await getBody(db, request.params.code);
    const { period, items, sort, near } = await findPartners(db, body.code, request.query);
    return page(reply, 'opportunities/partners.njk', {
      title: `Who ${body.name} could partner with`,
      section: 'bodies',
      breadcrumbs: [
        { text: 'Public bodies', href: '/bodies' },
        { text: body.name, href: `/bodies/${body.code}` },
      ],
      body,
      period,
      sort,
      near,
      synthetic: await hasSyntheticSpend(db),
      partners: items,
    });
  });
}
