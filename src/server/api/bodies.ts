import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { bodyInput, bodyToInput } from '../../domain/bodies.js';
import { bodyQuery } from '../../domain/queries.js';
import { parseInput } from '../../domain/validation.js';
import { actorOf } from '../../services/accounts.js';
import { deleteBodyRecord, saveBodyRecord } from '../../services/records.js';
import { getBody, listBodies } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import { signedIn } from '../access.js';
import { answer, byCode, recordAnswers, refused, someFieldsOf } from './schemas.js';

const tags = ['Bodies'];

export function bodiesApi(app: FastifyInstance, db: Database) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/bodies',
    {
      schema: {
        tags,
        querystring: bodyQuery,
        response: { 200: answer('A page of bodies'), 422: refused.invalid },
      },
    },
    async (request) => {
      const { page, perPage, ...filter } = request.query;
      return listBodies(db, filter, { page, perPage });
    },
  );

  api.get(
    '/api/v1/bodies/:code',
    { schema: { tags, params: byCode, response: { 200: answer('Found'), 404: refused.notFound } } },
    async (request) => getBody(db, request.params.code),
  );

  api.post(
    '/api/v1/bodies',
    {
      schema: {
        tags,
        body: bodyInput,
        response: recordAnswers.created,
      },
    },
    async (request, reply) => {
      await saveBodyRecord(db, actorOf(signedIn(request)), request.body, { create: true });
      return reply
        .status(201)
        .header('location', `/api/v1/bodies/${request.body.code}`)
        .send(await getBody(db, request.body.code));
    },
  );

  api.put(
    '/api/v1/bodies/:code',
    {
      schema: {
        tags,
        params: byCode,
        body: bodyInput,
        response: recordAnswers.replaced,
      },
    },
    async (request) => {
      await saveBodyRecord(db, actorOf(signedIn(request)), request.body, { update: request.params.code });
      return getBody(db, request.body.code);
    },
  );

  api.patch(
    '/api/v1/bodies/:code',
    {
      schema: {
        tags,
        params: byCode,
        body: someFieldsOf('BodyInput'),
        response: recordAnswers.updated,
      },
    },
    async (request) => {
      const current = bodyToInput(await getBody(db, request.params.code));
      const body = parseInput(bodyInput, { ...current, ...request.body }, 'body');
      await saveBodyRecord(db, actorOf(signedIn(request)), body, { update: request.params.code });
      return getBody(db, body.code);
    },
  );

  api.delete(
    '/api/v1/bodies/:code',
    {
      schema: {
        tags,
        params: byCode,
        response: recordAnswers.deleted,
      },
    },
    async (request, reply) => {
      await deleteBodyRecord(db, actorOf(signedIn(request)), request.params.code);
      return reply.status(204).send(null);
    },
  );
}
