import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  APPORTIONMENT_METHODS,
  type BusinessCaseInput,
  COMPONENT_METHODS,
  GAME_METHODS,
  ONE_OFF_KINDS,
} from '../../domain/business-case/input.js';
import {
  conventions,
  describeSplit,
  describeStability,
  SHARING_EXPLAINED,
  switchingCell,
} from '../../domain/business-case/words.js';
import { InputError, type Problem } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import { businessCaseReport, businessCaseTables, checkBusinessCase } from '../../services/business-case.js';
import { getBusinessCase } from '../../store/business-cases.js';
import { FULL_ACCESS } from '../../domain/access.js';
import { actorOf } from '../../services/accounts.js';
import { saveBusinessCaseRecord } from '../../services/records.js';
import { checkPartnershipAccess, mayEditPartnership, signedIn } from '../access.js';
import { changesTo } from './audit.js';
import type { Database } from '../../store/db.js';
import type { Partnership } from '../../domain/partnerships.js';
import { OPTIMISM_BIAS_GUIDANCE } from '../../domain/business-case/green-book.js';
import { getPartnership } from '../../store/partnerships.js';
import { bodiesByCode } from '../../store/bodies.js';
import { page } from '../page.js';
import { sendTables } from '../downloads.js';
import {
  businessCaseFormProblems,
  businessCaseFormFromOpportunity,
  businessCaseFromForm,
  businessCaseToForm,
  carriedFields,
  FORM_STEPS,
  NEW_CASE,
  oneOffRowCount,
  partCount,
  readStepForm,
  stepOf,
} from '../business-case-form.js';
import { type Form, formErrors } from '../forms.js';
import { businessCaseId, opportunityEvidence } from '../../domain/queries.js';
import { findOpportunity, opportunityFields } from '../../services/opportunities.js';
import { flash } from './paging.js';

type ById = { Params: { id: string } };
type BySlug = { Params: { slug: string } };
const compareQuery = z.object({
  ids: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v),
    z.array(businessCaseId).min(2, { message: 'Choose at least two business cases to compare' }).max(6),
  ),
});
const exportQuery = z.object({
  format: z.enum(['csv', 'xlsx']).default('csv'),
  table: z.string().optional(),
});

export function businessCasePages(app: FastifyInstance, db: Database) {
  /** The form's partner rows: the partnership's members, then any partner of the case that is not one. */
  const partnerRows = async (p: Partnership, stored?: BusinessCaseInput) => {
    const rows = p.members.map((m) => ({ bodyCode: m.bodyCode, bodyName: m.bodyName }));
    const others = (stored?.partners ?? [])
      .map((x) => x.bodyCode)
      .filter((code) => !rows.some((r) => r.bodyCode === code));
    const names = new Map((others.length ? await bodiesByCode(db, others) : []).map((b) => [b.code, b.name]));
    return [...rows, ...others.map((code) => ({ bodyCode: code, bodyName: names.get(code) ?? code }))];
  };

  const form = async (
    reply: FastifyReply,
    slug: string,
    context: {
      action: string;
      title: string;
      values: Form;
      step?: number;
      sources?: Record<string, string>;
      stored?: BusinessCaseInput;
    } & Record<string, unknown>,
  ) => {
    const p = await getPartnership(db, slug, FULL_ACCESS);
    const step = context.step ?? 0;
    const { stored, ...shown } = context;
    return page(reply, 'business-cases/form.njk', {
      section: 'partnerships',
      breadcrumbs: [
        { text: 'Partnerships', href: '/partnerships' },
        { text: p.name, href: `/partnerships/${p.slug}` },
      ],
      p,
      partnerRows: await partnerRows(p, stored),
      oneOffRows: Array.from({ length: oneOffRowCount(context.values) }, (_, i) => i),
      parts: { running: partCount(context.values, 'running'), oneOff: partCount(context.values, 'oneOff') },
      methods: APPORTIONMENT_METHODS,
      explained: SHARING_EXPLAINED,
      gameMethods: GAME_METHODS,
      componentMethods: Object.fromEntries(COMPONENT_METHODS.map((m) => [m, APPORTIONMENT_METHODS[m]])),
      kinds: ONE_OFF_KINDS,
      optimismGuidance: OPTIMISM_BIAS_GUIDANCE,
      projects: Object.fromEntries(p.projects.map((project) => [String(project.id), project.name])),
      errors: {},
      sources: {},
      ...shown,
      step,
      steps: FORM_STEPS,
      carried: carriedFields(context.values, context.sources ?? {}, step),
    });
  };

  /**
   * Moves through the form's steps: Continue checks the step's own answers before the next; Back and
   * the list of steps move without checking; Save checks everything, showing the first step with a
   * problem, and saves the case as new or over case `id`.
   */
  const save = async (
    reply: FastifyReply,
    slug: string,
    body: Form,
    target: { id?: number; action: string; title: string; stored?: BusinessCaseInput },
  ) => {
    const p = await getPartnership(db, slug, FULL_ACCESS);
    const members = (await partnerRows(p, target.stored)).map((r) => r.bodyCode);
    const { values, sources, step, go } = readStepForm(body);
    const show = (status: number, at: number, problems: Problem[] = []) =>
      form(reply.status(status), p.slug, { ...target, values, sources, step: at, ...formErrors(problems) });
    if (step !== undefined && go === 'back') return show(200, Math.max(0, step - 1));
    if (step !== undefined && /^\d+$/.test(go)) return show(200, Math.min(Number(go), FORM_STEPS.length - 1));
    const { input, rows } = businessCaseFromForm(values, p.slug, members);
    let problems: Problem[] = [];
    let checked: BusinessCaseInput | undefined;
    try {
      ({ input: checked } = await checkBusinessCase(db, input));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems = businessCaseFormProblems(
        error.problems.length ? error.problems : [{ field: 'name', message: error.message }],
        rows,
      );
    }
    if (step !== undefined && go === 'next') {
      const here = problems.filter((problem) => stepOf(problem.field) === step);
      return here.length ? show(422, step, here) : show(200, step + 1);
    }
    if (!checked) {
      const first = Math.min(...problems.map((problem) => stepOf(problem.field)));
      return show(
        422,
        first,
        problems.filter((problem) => stepOf(problem.field) === first),
      );
    }
    const id = await saveBusinessCaseRecord(db, actorOf(signedIn(reply.request)), checked, target.id);
    return reply.redirect(`/business-cases/${id}?done=business-case-saved`, 303);
  };

  app.get<BySlug>('/partnerships/:slug/business-cases/new', async (request, reply) => {
    const { slug } = request.params;
    const start = { title: 'Start a business case', action: `/partnerships/${slug}/business-cases/new` };
    const evidence = parseInput(opportunityEvidence, request.query, 'opportunity');
    if (!evidence.supplier && !evidence.category) return form(reply, slug, { ...start, values: NEW_CASE });
    const { from, to } = parseInput(
      opportunityFields.pick({ from: true, to: true }),
      request.query,
      'period',
    );
    const { report, opportunity } = await findOpportunity(db, { partnership: slug, from, to }, evidence);
    const p = await getPartnership(db, slug, FULL_ACCESS);
    const months = new Map(report.byBody.map((b) => [b.bodyCode, b.months]));
    const filled = businessCaseFormFromOpportunity(
      opportunity,
      p.members.map((m) => m.bodyCode),
      {
        from: report.period.from ?? '',
        to: report.period.to ?? '',
        monthsOf: (code) => months.get(code) ?? 0,
      },
    );
    return form(reply, slug, { ...start, ...filled, opportunity });
  });

  app.post<BySlug>('/partnerships/:slug/business-cases/new', async (request, reply) =>
    save(reply, request.params.slug, request.body as Form, {
      title: 'Start a business case',
      action: `/partnerships/${request.params.slug}/business-cases/new`,
    }),
  );

  app.get<ById>('/business-cases/:id/edit', async (request, reply) => {
    const stored = await getBusinessCase(
      db,
      parseInput(businessCaseId, request.params.id, 'business case number'),
    );
    const rows = await partnerRows(
      await getPartnership(db, stored.partnershipSlug, FULL_ACCESS),
      stored.input,
    );
    return form(reply, stored.partnershipSlug, {
      title: `Edit ${stored.input.name}`,
      action: `/business-cases/${stored.id}/edit`,
      values: businessCaseToForm(
        stored.input,
        rows.map((r) => r.bodyCode),
      ),
      stored: stored.input,
    });
  });

  app.post<ById>('/business-cases/:id/edit', async (request, reply) => {
    const stored = await getBusinessCase(
      db,
      parseInput(businessCaseId, request.params.id, 'business case number'),
    );
    return save(reply, stored.partnershipSlug, request.body as Form, {
      id: stored.id,
      title: `Edit ${stored.input.name}`,
      action: `/business-cases/${stored.id}/edit`,
      stored: stored.input,
    });
  });

  app.get('/business-cases/compare', async (request, reply) => {
    const { ids } = parseInput(compareQuery, request.query, 'comparison');
    for (const id of ids)
      await checkPartnershipAccess(db, request.viewer, 'read', 'business-case', String(id));
    const cases = await Promise.all(ids.map((id) => businessCaseReport(db, id)));
    return page(reply, 'business-cases/compare.njk', {
      title: 'Business cases side by side',
      section: 'partnerships',
      cases,
    });
  });

  app.get<ById>('/business-cases/:id', async (request, reply) => {
    const r = await businessCaseReport(
      db,
      parseInput(businessCaseId, request.params.id, 'business case number'),
    );
    const bar = (npv: number) => {
      const length = Math.round((140 * (npv - r.result.npvPence)) / widest);
      return { x: 150 + Math.min(0, length), width: Math.abs(length), npvPence: npv };
    };
    const widest = Math.max(
      1,
      ...r.sensitivity.flatMap((s) => [
        Math.abs(s.lowNpvPence - r.result.npvPence),
        Math.abs(s.highNpvPence - r.result.npvPence),
      ]),
    );
    return page(reply, 'business-cases/show.njk', {
      title: r.input.name,
      section: 'partnerships',
      breadcrumbs: [
        { text: 'Partnerships', href: '/partnerships' },
        { text: r.partnershipName, href: `/partnerships/${r.partnershipSlug}#business-cases` },
      ],
      flash: flash(request.query),
      r,
      canEdit: await mayEditPartnership(db, request.viewer, r.partnershipSlug),
      changes: await changesTo(db, request.viewer, {
        recordType: 'business_case',
        recordKey: String(r.id),
      }),
      splits: Object.fromEntries(
        (['running', 'oneOff'] as const).map((which) => {
          const how = describeSplit(r.input[which]);
          return [
            which,
            {
              how: how[0]?.toUpperCase() + how.slice(1),
              explained: SHARING_EXPLAINED[r.input[which].method],
            },
          ];
        }),
      ),
      stability: describeStability(r.result.stability, (code) => r.names[code] ?? code),
      conventions: conventions(r.input),
      sharesChange: r.result.partners.some((p) =>
        p.years.some((y) => y.year >= 1 && (!y.inService || y.runningShare !== p.years[1]?.runningShare)),
      ),
      switching: r.switchingValues.map((v) => ({
        input: v.input,
        case: switchingCell(v, v.case, v.losesNow),
        partners: v.partners.map((p) => switchingCell(v, p.at, p.worseOffNow)),
      })),
      // Tornado bars: each side's distance from the central NPV (at 150 of 300), 140 units for the widest.
      tornado: r.sensitivity.map((s) => ({
        input: s.input,
        low: bar(s.lowNpvPence),
        high: bar(s.highNpvPence),
      })),
    });
  });

  app.get<ById>('/business-cases/:id/export', async (request, reply) => {
    const r = await businessCaseReport(
      db,
      parseInput(businessCaseId, request.params.id, 'business case number'),
    );
    const { format, table } = parseInput(exportQuery, request.query, 'export');
    const tables = businessCaseTables(r).filter((t) => !table || t.name === table);
    if (!tables.length) throw new InputError(`There is no table called ${table}`);
    return sendTables(reply, tables, format, `business-case-${r.id}`);
  });
}
