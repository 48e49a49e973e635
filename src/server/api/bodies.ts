import type { FastifyInstance } from 'fastify';
import { bodyInput, bodyToInput } from '../../domain/bodies.js';
import { parseInput } from '../../domain/validation.js';
import { actorOf } from '../../services/accounts.js';
import { deleteBodyRecord, saveBodyRecord } from '../../services/records.js';
import { getBody, listBodies } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import { bodyQuery } from '../../domain/queries.js';

type ByCode = { Params: { code: string } };

export function bodiesApi(app: FastifyInstance, db: Database) {
  app.get('/api/v1/bodies', async (request) => {
    const { page, perPage, ...filter } = parseInput(bodyQuery, request.query, 'query');
    return listBodies(db, filter, { page, perPage });
  });

  app.get<ByCode>('/api/v1/bodies/:code', async (request) => getBody(db, request.params.code));

  app.post('/api/v1/bodies', async (request, reply) => {
    const body = parseInput(bodyInput, request.body, 'body');
    await saveBodyRecord(db, actorOf(request.viewer!), body, { create: true });
    return reply
      .status(201)
      .header('location', `/api/v1/bodies/${body.code}`)
      .send(await getBody(db, body.code));
  });

  app.put<ByCode>('/api/v1/bodies/:code', async (request) => {
    const body = parseInput(bodyInput, request.body, 'body');
    await saveBodyRecord(db, actorOf(request.viewer!), body, { update: request.params.code });
    return getBody(db, body.code);
  });

  app.patch<ByCode>('/api/v1/bodies/:code', async (request) => {
    const current = bodyToInput(await getBody(db, request.params.code));
    const body = parseInput(bodyInput, { ...current, ...(request.body as object) }, 'body');
    await saveBodyRecord(db, actorOf(request.viewer!), body, { update: request.params.code });
    return getBody(db, body.code);
  });

  app.delete<ByCode>('/api/v1/bodies/:code', async (request, reply) => {
    await deleteBodyRecord(db, actorOf(request.viewer!), request.params.code);
    return reply.status(204).send();
  });
}
