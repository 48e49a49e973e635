import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../../domain/validation.js';
import { businessCaseReport, checkBusinessCase } from '../../services/business-case.js';
import { membership } from '../../domain/access.js';
import { actorOf } from '../../services/accounts.js';
import { deleteBusinessCaseRecord, saveBusinessCaseRecord } from '../../services/records.js';
import { listBusinessCases } from '../../store/business-cases.js';
import { checkPartnershipAccess } from '../access.js';
import type { Database } from '../../store/db.js';
import { businessCaseId } from '../../domain/queries.js';

type ById = { Params: { id: string } };
const listQuery = z.object({ partnership: z.string().max(80).optional() });
const reportQuery = z.object({ sensitivity: z.coerce.number().min(1).max(100).default(20) });

export function businessCasesApi(app: FastifyInstance, db: Database) {
  app.get('/api/v1/business-cases', async (request) => {
    const { partnership } = parseInput(listQuery, request.query, 'query');
    return { items: await listBusinessCases(db, membership(request.viewer), partnership) };
  });

  app.post('/api/v1/business-cases', async (request, reply) => {
    const { input } = await checkBusinessCase(db, request.body);
    await checkPartnershipAccess(db, request.viewer, 'edit', 'slug', input.partnership);
    const id = await saveBusinessCaseRecord(db, actorOf(request.viewer!), input);
    return reply
      .status(201)
      .header('location', `/api/v1/business-cases/${id}`)
      .send(await businessCaseReport(db, id));
  });

  /** The case with its results: cash flows, NPV, payback, each partner's position, repairs, sensitivity. */
  app.get<ById>('/api/v1/business-cases/:id', async (request) => {
    const { sensitivity } = parseInput(reportQuery, request.query, 'query');
    return businessCaseReport(
      db,
      parseInput(businessCaseId, request.params.id, 'business case number'),
      sensitivity,
    );
  });

  app.put<ById>('/api/v1/business-cases/:id', async (request) => {
    const id = parseInput(businessCaseId, request.params.id, 'business case number');
    const { input } = await checkBusinessCase(db, request.body);
    // Moving a case to another partnership needs edit rights there too.
    await checkPartnershipAccess(db, request.viewer, 'edit', 'slug', input.partnership);
    await saveBusinessCaseRecord(db, actorOf(request.viewer!), input, id);
    return businessCaseReport(db, id);
  });

  app.delete<ById>('/api/v1/business-cases/:id', async (request, reply) => {
    await deleteBusinessCaseRecord(
      db,
      actorOf(request.viewer!),
      parseInput(businessCaseId, request.params.id, 'business case number'),
    );
    return reply.status(204).send();
  });
}
