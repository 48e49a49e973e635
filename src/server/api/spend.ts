import type { FastifyInstance } from 'fastify';
import { type ZodTypeProvider, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { spendImportId } from '../../domain/queries.js';
import { SPEND_FIELDS } from '../../domain/spend.js';
import { actorOf } from '../../services/accounts.js';
import { undoSpendImport } from '../../services/import-spend.js';
import { getBody } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import { getSpendImport, listSpendImports } from '../../store/spend.js';
import { signedIn } from '../access.js';
import { importUploadedSpend } from '../uploads.js';
import { answer, byCode, numbered, refused } from './schemas.js';

const tags = ['Spend'];
const byImport = numbered(spendImportId, 'The import number');

/** The upload form, for the document: the file is streamed to disk and its fields checked as it arrives. */
const uploadForm = z
  .object({
    file: z.string().meta({ format: 'binary' }).describe('A published spend file (CSV or XLSX)'),
    month: z
      .string()
      .regex(/^\d{4}-\d{2}$/)
      .optional()
      .describe('yyyy-mm, only for files without dates'),
    sheet: z.string().optional().describe('For a workbook: the sheet to read'),
    confirmOtherBody: z
      .literal('yes')
      .optional()
      .describe(
        'yes: store a file with no body column that is already held for another body (otherwise 422)',
      ),
  })
  .catchall(
    z
      .string()
      .describe(
        `column.FIELD: the heading of the column that holds FIELD, one of ${Object.keys(SPEND_FIELDS).join(', ')}; saved for the body's next files`,
      ),
  );

export function spendApi(app: FastifyInstance, db: Database) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/bodies/:code/spend-imports',
    {
      schema: {
        tags,
        params: byCode,
        response: { 200: answer('The body’s spend imports, newest first'), 404: refused.notFound },
      },
    },
    async (request) => {
      const body = await getBody(db, request.params.code);
      return { items: await listSpendImports(db, body.code) };
    },
  );

  api.post(
    '/api/v1/bodies/:code/spend-imports',
    {
      schema: {
        tags,
        params: byCode,
        consumes: ['multipart/form-data'],
        body: uploadForm,
        response: {
          201: answer(
            'The import report: rows read, stored, already held, refused (with row, column and reason)',
          ),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
      // The form is read as a stream by importUploadedSpend, which checks each field as it comes.
      validatorCompiler: (route) =>
        route.httpPart === 'body'
          ? () => true
          : validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]),
    },
    async (request, reply) => {
      const body = await getBody(db, request.params.code);
      const report = await importUploadedSpend(db, request, body.code);
      return reply.status(201).header('location', `/api/v1/spend-imports/${report.id}`).send(report);
    },
  );

  api.get(
    '/api/v1/spend-imports/:id',
    {
      schema: {
        tags,
        params: byImport,
        response: { 200: answer('An import report'), 404: refused.notFound },
      },
    },
    async (request) => getSpendImport(db, request.params.id),
  );

  /** Removes an import with its payments and their part in suppliers and reports; answers what was removed. */
  api.delete(
    '/api/v1/bodies/:code/spend-imports/:id',
    {
      schema: {
        tags,
        params: byCode.extend(byImport.shape),
        response: {
          200: answer(
            'Removed, with its payments and their part in suppliers and reports; the answer is the import as it was',
          ),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
    },
    async (request) => {
      const body = await getBody(db, request.params.code);
      return undoSpendImport(db, actorOf(signedIn(request)), body.code, request.params.id);
    },
  );
}
