import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canRecordSavingOf, membership } from '../../domain/access.js';
import { ForbiddenError } from '../../domain/errors.js';
import { benefitsPlanInput, realisedSavingInput } from '../../domain/benefits.js';
import { trueUpInput } from '../../domain/business-case/true-up.js';
import { pricesQuery, recordNumber } from '../../domain/queries.js';
import { actorOf } from '../../services/accounts.js';
import { recordRealisedSaving, saveBenefitsPlanRecord } from '../../services/records.js';
import { benefitsReport, benefitsReports, planTrueUp } from '../../services/benefits.js';
import { getBenefitsPlan } from '../../store/benefits.js';
import type { Database } from '../../store/db.js';
import { listPriceIndices } from '../../store/price-indices.js';
import { readablePlan, signedIn } from '../access.js';
import { answer, bySlug, numbered, refused } from './schemas.js';

const tags = ['Benefits'];
const byPlan = numbered(recordNumber('A benefits plan number is a whole number'), 'The benefits plan number');
const withEvidence =
  'The plan with its evidence: per partner and year, planned, recorded, the spend seen (as paid, annualised, and in one year’s prices) and its status (evidenced, not-yet-visible, contradicted, no-data) in words, with links to the payments';

export function benefitsApi(app: FastifyInstance, db: Database) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/benefits',
    {
      schema: {
        tags,
        querystring: pricesQuery.extend({
          partnership: z.string().max(80).optional(),
          body: z.string().max(12).optional().describe('Plans this body is a partner in'),
        }),
        response: { 200: answer(`Benefits plans the reader may see. ${withEvidence}`), 422: refused.invalid },
      },
    },
    async (request) => ({
      items: await benefitsReports(
        db,
        membership(request.viewer),
        { partnership: request.query.partnership, bodyCode: request.query.body?.toUpperCase() },
        { priceYear: request.query.prices, series: request.query.series },
      ),
    }),
  );

  api.post(
    '/api/v1/partnerships/:slug/benefits',
    {
      schema: {
        tags,
        params: bySlug,
        body: benefitsPlanInput,
        response: { 201: answer(withEvidence), 404: refused.notFound, 422: refused.invalid },
      },
    },
    async (request, reply) => {
      const id = await saveBenefitsPlanRecord(
        db,
        actorOf(signedIn(request)),
        request.params.slug,
        request.body,
      );
      return reply
        .status(201)
        .header('location', `/api/v1/benefits/${id}`)
        .send(await benefitsReport(db, await getBenefitsPlan(db, id)));
    },
  );

  api.get(
    '/api/v1/benefits/:id',
    {
      schema: {
        tags,
        params: byPlan,
        querystring: pricesQuery,
        response: { 200: answer(withEvidence), 404: refused.notFound, 422: refused.invalid },
      },
    },
    async (request) => {
      const { plan } = await readablePlan(db, request.viewer, request.params.id);
      return benefitsReport(db, plan, { priceYear: request.query.prices, series: request.query.series });
    },
  );

  api.put(
    '/api/v1/benefits/:id',
    {
      schema: {
        tags,
        params: byPlan,
        body: benefitsPlanInput,
        response: { 200: answer(`Replaced. ${withEvidence}`), 404: refused.notFound, 422: refused.invalid },
      },
    },
    async (request) => {
      const plan = await getBenefitsPlan(db, request.params.id);
      await saveBenefitsPlanRecord(
        db,
        actorOf(signedIn(request)),
        plan.partnershipSlug,
        request.body,
        plan.id,
      );
      return benefitsReport(db, await getBenefitsPlan(db, plan.id));
    },
  );

  api.put(
    '/api/v1/benefits/:id/savings',
    {
      schema: {
        tags,
        params: byPlan,
        body: realisedSavingInput,
        response: {
          200: answer(
            `A partner’s realised saving for a plan year, recorded (replacing what it had). ${withEvidence}`,
          ),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
    },
    async (request) => {
      if (!canRecordSavingOf(request.viewer, request.body.bodyCode))
        throw new ForbiddenError('You may record the savings of your own body only');
      await recordRealisedSaving(db, actorOf(signedIn(request)), request.params.id, request.body);
      return benefitsReport(db, await getBenefitsPlan(db, request.params.id));
    },
  );

  api.post(
    '/api/v1/benefits/:id/true-up',
    {
      schema: {
        tags,
        params: byPlan,
        body: trueUpInput,
        response: {
          200: answer(
            'The year’s true-up of the running cost by the business case’s agreed split, re-run with the actual drivers: each partner’s payment on account, what is due and the balance, to the penny',
          ),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
    },
    async (request) => planTrueUp(db, await getBenefitsPlan(db, request.params.id), request.body),
  );

  api.get(
    '/api/v1/price-indices',
    {
      schema: {
        tags,
        response: {
          200: answer(
            'The price indices loaded (`pathfinder import price-index FILE`), with the periods they cover',
          ),
        },
      },
    },
    async () => ({ items: await listPriceIndices(db) }),
  );
}
