import type { FastifyInstance } from 'fastify';
import { parseInput } from '../../domain/validation.js';
import { actorOf } from '../../services/accounts.js';
import { undoSpendImport } from '../../services/import-spend.js';
import { getBody } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import { getSpendImport, listSpendImports } from '../../store/spend.js';
import { spendImportId } from '../../domain/queries.js';
import { importUploadedSpend } from '../uploads.js';

export function spendApi(app: FastifyInstance, db: Database) {
  app.get<{ Params: { code: string } }>('/api/v1/bodies/:code/spend-imports', async (request) => {
    const body = await getBody(db, request.params.code);
    return { items: await listSpendImports(db, body.code) };
  });

  /** multipart/form-data: `file`, and optionally `month` (yyyy-mm) for files that lost their dates. */
  app.post<{ Params: { code: string } }>('/api/v1/bodies/:code/spend-imports', async (request, reply) => {
    const body = await getBody(db, request.params.code);
    const report = await importUploadedSpend(db, request, body.code);
    return reply.status(201).header('location', `/api/v1/spend-imports/${report.id}`).send(report);
  });

  app.get<{ Params: { id: string } }>('/api/v1/spend-imports/:id', async (request) =>
    getSpendImport(db, parseInput(spendImportId, request.params.id, 'import number')),
  );

  /** Removes an import with its payments and their part in suppliers and reports; answers what was removed. */
  app.delete<{ Params: { code: string; id: string } }>(
    '/api/v1/bodies/:code/spend-imports/:id',
    async (request) => {
      const body = await getBody(db, request.params.code);
      const id = parseInput(spendImportId, request.params.id, 'import number');
      return undoSpendImport(db, actorOf(request.viewer!), body.code, id);
    },
  );
}
