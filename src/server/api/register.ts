import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { membership } from '../../domain/access.js';
import { registerDocument } from '../../domain/register.js';
import { parseInput } from '../../domain/validation.js';
import { registerCsv } from '../../export/register.js';
import { actorOf } from '../../services/accounts.js';
import { importRegisterRecord } from '../../services/records.js';
import type { Database } from '../../store/db.js';
import { exportRegister } from '../../store/register.js';

const csvQuery = z.object({ table: z.enum(['partnerships', 'projects']).default('partnerships') });

export function registerApi(app: FastifyInstance, db: Database) {
  app.get('/api/v1/register', async (request, reply) =>
    reply
      .header('content-disposition', 'attachment; filename="pathfinder-register.json"')
      .send(await exportRegister(db, membership(request.viewer))),
  );

  app.get('/api/v1/register.csv', async (request, reply) => {
    const { table } = parseInput(csvQuery, request.query, 'query');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="pathfinder-${table}.csv"`)
      .send(registerCsv(await exportRegister(db, membership(request.viewer)), table));
  });

  app.post('/api/v1/register', async (request) =>
    importRegisterRecord(
      db,
      actorOf(request.viewer!),
      parseInput(registerDocument, request.body, 'register document'),
    ),
  );
}
