import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { membership } from '../../domain/access.js';
import { registerDocument } from '../../domain/register.js';
import { registerCsv } from '../../export/register.js';
import { actorOf } from '../../services/accounts.js';
import { importRegisterRecord } from '../../services/records.js';
import type { Database } from '../../store/db.js';
import { exportRegister } from '../../store/register.js';
import { signedIn } from '../access.js';
import { answer, refused } from './schemas.js';

const csvQuery = z.object({ table: z.enum(['partnerships', 'projects']).default('partnerships') });
const tags = ['Register'];

export function registerApi(app: FastifyInstance, db: Database) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/register',
    { schema: { tags, response: { 200: answer('The whole register', registerDocument) } } },
    async (request, reply) =>
      reply
        .header('content-disposition', 'attachment; filename="pathfinder-register.json"')
        .send(await exportRegister(db, membership(request.viewer))),
  );

  api.get(
    '/api/v1/register.csv',
    {
      schema: {
        tags,
        querystring: csvQuery,
        response: {
          200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
          422: refused.invalid,
        },
      },
    },
    async (request, reply) => {
      const { table } = request.query;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="pathfinder-${table}.csv"`)
        .send(registerCsv(await exportRegister(db, membership(request.viewer)), table));
    },
  );

  api.post(
    '/api/v1/register',
    {
      schema: {
        tags,
        body: registerDocument,
        response: { 200: answer('Imported as one transaction'), 422: refused.invalid },
      },
    },
    async (request) => importRegisterRecord(db, actorOf(signedIn(request)), request.body),
  );
}
