import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { membership } from '../../domain/access.js';
import { businessCaseInput } from '../../domain/business-case/input.js';
import { businessCaseId } from '../../domain/queries.js';
import { actorOf } from '../../services/accounts.js';
import { businessCaseReport, checkBusinessCase } from '../../services/business-case.js';
import { deleteBusinessCaseRecord, saveBusinessCaseRecord } from '../../services/records.js';
import { listBusinessCases } from '../../store/business-cases.js';
import type { Database } from '../../store/db.js';
import { checkPartnershipAccess, signedIn } from '../access.js';
import { answer, noContent, numbered, refused } from './schemas.js';

const tags = ['Business cases'];
const byCase = numbered(businessCaseId, 'The business case number');
const listQuery = z.object({ partnership: z.string().max(80).optional() });
const reportQuery = z.object({
  sensitivity: z.coerce.number().min(1).max(100).default(20).describe('± percent, default 20'),
});
const withResults =
  'The case with its results: cash flows per partner and in total, NPV, payback, each partner’s position, the worse-off check and fixes, sensitivity';

export function businessCasesApi(app: FastifyInstance, db: Database) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/business-cases',
    {
      schema: {
        tags,
        querystring: listQuery,
        response: { 200: answer('Business cases, latest first'), 422: refused.invalid },
      },
    },
    async (request) => ({
      items: await listBusinessCases(db, membership(request.viewer), request.query.partnership),
    }),
  );

  api.post(
    '/api/v1/business-cases',
    {
      schema: {
        tags,
        body: businessCaseInput,
        response: { 201: answer(withResults), 404: refused.notFound, 422: refused.invalid },
      },
    },
    async (request, reply) => {
      const { input } = await checkBusinessCase(db, request.body);
      await checkPartnershipAccess(db, request.viewer, 'edit', 'slug', input.partnership);
      const id = await saveBusinessCaseRecord(db, actorOf(signedIn(request)), input);
      return reply
        .status(201)
        .header('location', `/api/v1/business-cases/${id}`)
        .send(await businessCaseReport(db, id));
    },
  );

  api.get(
    '/api/v1/business-cases/:id',
    {
      schema: {
        tags,
        params: byCase,
        querystring: reportQuery,
        response: { 200: answer(withResults), 404: refused.notFound, 422: refused.invalid },
      },
    },
    async (request) => businessCaseReport(db, request.params.id, request.query.sensitivity),
  );

  api.put(
    '/api/v1/business-cases/:id',
    {
      schema: {
        tags,
        params: byCase,
        body: businessCaseInput,
        response: { 200: answer('Replaced, with its results'), 404: refused.notFound, 422: refused.invalid },
      },
    },
    async (request) => {
      const { input } = await checkBusinessCase(db, request.body);
      // Moving a case to another partnership needs edit rights there too.
      await checkPartnershipAccess(db, request.viewer, 'edit', 'slug', input.partnership);
      await saveBusinessCaseRecord(db, actorOf(signedIn(request)), input, request.params.id);
      return businessCaseReport(db, request.params.id);
    },
  );

  api.delete(
    '/api/v1/business-cases/:id',
    { schema: { tags, params: byCase, response: { 204: noContent('Deleted'), 404: refused.notFound } } },
    async (request, reply) => {
      await deleteBusinessCaseRecord(db, actorOf(signedIn(request)), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
