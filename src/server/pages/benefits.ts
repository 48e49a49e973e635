/**
 * Benefits plans on the web: a plan's evidence by partner and year, with the payments behind each
 * figure a click away; recording a realised saving; the annual true-up; starting a plan by hand or
 * from a business case at go-live.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { canRecordSavingOf, FULL_ACCESS } from '../../domain/access.js';
import { ForbiddenError, InputError } from '../../domain/errors.js';
import { formatPounds, parsePounds } from '../../domain/money.js';
import { businessCaseId, pricesQuery, recordNumber } from '../../domain/queries.js';
import { parseInput } from '../../domain/validation.js';
import { actorOf } from '../../services/accounts.js';
import { recordRealisedSaving, saveBenefitsPlanRecord } from '../../services/records.js';
import { benefitsReport, benefitsTables, planFromBusinessCase, planTrueUp } from '../../services/benefits.js';
import type { BenefitsPlanInput } from '../../domain/benefits.js';
import type { TrueUp } from '../../domain/business-case/true-up.js';
import type { Database } from '../../store/db.js';
import { listNewsItems } from '../../store/news.js';
import { getPartnership } from '../../store/partnerships.js';
import { bodiesByCode } from '../../store/bodies.js';
import { hasSyntheticSpend } from '../../store/spend.js';
import { listPriceIndices } from '../../store/price-indices.js';
import { readablePlan, signedIn } from '../access.js';
import { sendTables } from '../downloads.js';
import { type Form, formErrors, problemsOf } from '../forms.js';
import { page } from '../page.js';
import { flash } from './paging.js';

type ById = { Params: { id: string } };
type BySlug = { Params: { slug: string } };
const planId = recordNumber('A benefits plan number is a whole number');
const exportQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv') });

const text = (v: Form[string]) => (Array.isArray(v) ? v[0] : v)?.trim() ?? '';

/** "£500,000, 800k" → pence by year; a part that is not an amount is kept as NaN for the schema to refuse. */
const amountsByYear = (v: string) =>
  v
    .split(/[;\n]|,(?!\d{3}\b)/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => parsePounds(s) ?? NaN);

/** A plan's form: its fields flat, each member's planned savings as "£500,000, £800,000". */
function planToForm(p: Partial<BenefitsPlanInput>): Form {
  return {
    name: p.name ?? '',
    goLive: p.goLive ?? '',
    baselineFrom: p.baselineFrom ?? '',
    baselineTo: p.baselineTo ?? '',
    suppliers: (p.measures ?? [])
      .filter((m) => m.kind === 'supplier')
      .map((m) => m.value)
      .join(', '),
    categories: (p.measures ?? [])
      .filter((m) => m.kind === 'category')
      .map((m) => m.value)
      .join(', '),
    confidential: p.confidential ? 'yes' : '',
    businessCaseId: p.businessCaseId?.toString() ?? '',
    projectId: p.projectId?.toString() ?? '',
    ...Object.fromEntries(
      (p.partners ?? []).map((x) => [`planned-${x.bodyCode}`, x.plannedPence.map(formatPounds).join('; ')]),
    ),
  };
}

/** The partners a plan's form has a box for: each `planned-CODE` field. */
const codesIn = (f: Form) => Object.keys(f).flatMap((k) => (k.startsWith('planned-') ? [k.slice(8)] : []));

function planFromForm(f: Form) {
  const number = (v: string) => (v ? Number(v) : undefined);
  return {
    name: text(f.name),
    goLive: text(f.goLive),
    baselineFrom: text(f.baselineFrom),
    baselineTo: text(f.baselineTo),
    measures: [
      ...text(f.suppliers)
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((value) => ({ kind: 'supplier', value })),
      ...text(f.categories)
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((value) => ({ kind: 'category', value })),
    ],
    partners: codesIn(f)
      .map((bodyCode) => ({ bodyCode, plannedPence: amountsByYear(text(f[`planned-${bodyCode}`])) }))
      .filter((p) => p.plannedPence.length),
    confidential: text(f.confidential) === 'yes',
    businessCaseId: number(text(f.businessCaseId)),
    projectId: number(text(f.projectId)),
  };
}

export function benefitsPages(app: FastifyInstance, db: Database) {
  /**
   * The plan's form: a box for each member of the partnership, and for each other body the values
   * name (a partner of the business case or of the plan that is not a member).
   */
  const form = async (reply: FastifyReply, slug: string, values: Form, context: Record<string, unknown>) => {
    const p = await getPartnership(db, slug, FULL_ACCESS);
    const codes = [...new Set([...p.members.map((m) => m.bodyCode), ...codesIn(values)])];
    const names = new Map((await bodiesByCode(db, codes)).map((b) => [b.code, b.name]));
    return page(reply, 'benefits/form.njk', {
      section: 'partnerships',
      breadcrumbs: [
        { text: 'Partnerships', href: '/partnerships' },
        { text: p.name, href: `/partnerships/${slug}` },
      ],
      p,
      partners: codes.map((code) => ({ code, name: names.get(code) ?? code })),
      values,
      errors: {},
      ...context,
    });
  };
  const save = async (
    reply: FastifyReply,
    slug: string,
    f: Form,
    context: Record<string, unknown>,
    id?: number,
  ) => {
    try {
      const saved = await saveBenefitsPlanRecord(
        db,
        actorOf(signedIn(reply.request)),
        slug,
        planFromForm(f),
        id,
      );
      return reply.redirect(`/benefits/${saved}?done=plan-saved`, 303);
    } catch (error) {
      const problems = problemsOf(error, 'name');
      if (!problems) throw error;
      // A partner's years are one field on the form: "partners.0.plannedPence.1" is its box.
      const partners = planFromForm(f).partners;
      const named = problems.map((x) => {
        const partner = partners[Number(/^partners\.(\d+)\./.exec(x.field)?.[1] ?? NaN)];
        return partner ? { ...x, field: `planned-${partner.bodyCode}` } : x;
      });
      return form(reply.status(422), slug, f, { ...context, ...formErrors(named) });
    }
  };

  app.get<BySlug>('/partnerships/:slug/benefits/new', async (request, reply) => {
    const { slug } = request.params;
    const query = request.query as Record<string, string>;
    const fromCase = query.businessCase
      ? await planFromBusinessCase(db, slug, parseInput(businessCaseId, query.businessCase, 'business case'))
      : {};
    return form(reply, slug, planToForm(fromCase), {
      title: 'Start a benefits plan',
      action: `/partnerships/${slug}/benefits/new`,
      fromCase: 'businessCaseId' in fromCase,
    });
  });
  app.post<BySlug>('/partnerships/:slug/benefits/new', async (request, reply) =>
    save(reply, request.params.slug, request.body as Form, {
      title: 'Start a benefits plan',
      action: `/partnerships/${request.params.slug}/benefits/new`,
    }),
  );
  app.get<ById>('/benefits/:id/edit', async (request, reply) => {
    const { plan } = await readablePlan(db, request.viewer, parseInput(planId, request.params.id, 'plan'));
    return form(reply, plan.partnershipSlug, planToForm(plan.input), {
      title: `Change ${plan.input.name}`,
      action: `/benefits/${plan.id}/edit`,
    });
  });
  app.post<ById>('/benefits/:id/edit', async (request, reply) => {
    const { plan } = await readablePlan(db, request.viewer, parseInput(planId, request.params.id, 'plan'));
    return save(
      reply,
      plan.partnershipSlug,
      request.body as Form,
      { title: `Change ${plan.input.name}`, action: `/benefits/${plan.id}/edit` },
      plan.id,
    );
  });

  const show = async (reply: FastifyReply, id: number, context: Record<string, unknown>) => {
    const { plan, member, canEdit } = await readablePlan(db, reply.request.viewer, id);
    const asked = parseInput(pricesQuery, reply.request.query ?? {}, 'prices');
    const report = await benefitsReport(db, plan, { priceYear: asked.prices, series: asked.series });
    return page(reply, 'benefits/show.njk', {
      title: plan.input.name,
      section: 'partnerships',
      breadcrumbs: [
        { text: 'Partnerships', href: '/partnerships' },
        { text: plan.partnershipName, href: `/partnerships/${plan.partnershipSlug}` },
      ],
      r: report,
      asked,
      indices: Object.fromEntries(
        (await listPriceIndices(db)).map((i) => [i.series, `${i.series}: ${i.title}`]),
      ),
      synthetic: await hasSyntheticSpend(db),
      // The partners whose savings the viewer may record: its own body's, or any for a site administrator.
      recordable: Object.fromEntries(
        Object.entries(report.names).filter(([code]) => canRecordSavingOf(reply.request.viewer, code)),
      ),
      // News items about the partnership, any of which may be the source of a saving recorded.
      news: canEdit
        ? Object.fromEntries(
            (await listNewsItems(db, { partnership: plan.partnershipSlug, limit: 50 })).map((n) => [
              String(n.id),
              n.headline,
            ]),
          )
        : {},
      member,
      canEdit,
      errors: {},
      values: {},
      ...context,
    });
  };
  app.get<ById>('/benefits/:id', async (request, reply) =>
    show(reply, parseInput(planId, request.params.id, 'plan'), { flash: flash(request.query) }),
  );
  app.post<ById>('/benefits/:id/savings', async (request, reply) => {
    const id = parseInput(planId, request.params.id, 'plan');
    const f = request.body as Form;
    const amountPence = parsePounds(text(f.amount));
    // A form without a partner is refused below, naming the field.
    if (text(f.bodyCode) && !canRecordSavingOf(request.viewer, text(f.bodyCode)))
      throw new ForbiddenError('You may record the savings of your own body only');
    try {
      await recordRealisedSaving(db, actorOf(signedIn(request)), id, {
        bodyCode: text(f.bodyCode),
        year: Number(text(f.year)) || 0,
        amountPence: amountPence ?? NaN,
        status: text(f.status) || 'claimed',
        evidence: text(f.evidence),
        confirmedBy: text(f.confirmedBy),
        ...(text(f.newsItemId) ? { newsItemId: Number(text(f.newsItemId)) } : {}),
      });
    } catch (error) {
      const problems = problemsOf(error, 'amount');
      if (!problems) throw error;
      const fields = problems.map((x) => (x.field === 'amountPence' ? { ...x, field: 'amount' } : x));
      return show(reply.status(422), id, { values: f, ...formErrors(fields) });
    }
    return reply.redirect(`/benefits/${id}?done=saving-recorded#savings`, 303);
  });
  app.get<ById>('/benefits/:id/export', async (request, reply) => {
    const id = parseInput(planId, request.params.id, 'plan');
    const { plan } = await readablePlan(db, request.viewer, id);
    const { format } = parseInput(exportQuery, request.query, 'export');
    const asked = parseInput(pricesQuery, request.query, 'prices');
    return sendTables(
      reply,
      benefitsTables(await benefitsReport(db, plan, { priceYear: asked.prices, series: asked.series })),
      format,
      `pathfinder-benefits-${id}`,
    );
  });
  app.get<ById>('/benefits/:id/true-up', async (request, reply) => {
    const id = parseInput(planId, request.params.id, 'plan');
    const { plan } = await readablePlan(db, request.viewer, id);
    const q = request.query as Form;
    const codes = plan.input.partners.map((p) => p.bodyCode);
    const number = (v: string) => (v === '' ? undefined : Number(v.replace(/,/g, '')));
    let result: TrueUp | undefined;
    let errors: Record<string, unknown> = { errors: {} };
    if (text(q.year)) {
      try {
        result = await planTrueUp(db, plan, {
          year: Number(text(q.year)),
          ...(text(q.running) ? { runningPence: parsePounds(text(q.running)) ?? NaN } : {}),
          partners: codes.map((bodyCode) => ({
            bodyCode,
            ...(text(q[`driver-${bodyCode}`]) ? { driver: number(text(q[`driver-${bodyCode}`])) } : {}),
            ...(text(q[`population-${bodyCode}`])
              ? { population: number(text(q[`population-${bodyCode}`])) }
              : {}),
          })),
        });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        errors = formErrors(problemsOf(error, 'year') ?? []);
      }
    }
    return page(reply.status(result || !text(q.year) ? 200 : 422), 'benefits/true-up.njk', {
      title: `True-up: ${plan.input.name}`,
      section: 'partnerships',
      breadcrumbs: [
        { text: plan.partnershipName, href: `/partnerships/${plan.partnershipSlug}` },
        { text: plan.input.name, href: `/benefits/${plan.id}` },
      ],
      plan,
      codes,
      values: q,
      result,
      ...errors,
    });
  });
}
