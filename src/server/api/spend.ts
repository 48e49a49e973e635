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
import { jobAnswer, queueUploadedSpend } from '../uploads.js';
import type { SpendImportQueue } from '../../services/import-queue.js';
import { NotFoundError } from '../../domain/errors.js';
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

const byJob = z.object({
  id: z.uuid().describe('The import job’s number, from the upload’s Location header'),
});

export function spendApi(app: FastifyInstance, db: Database, imports: SpendImportQueue) {
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
        headers: z.object({
          prefer: z
            .string()
            .optional()
            .describe('respond-async: answer 202 at once with the job, whose progress the Location follows'),
        }),
        response: {
          201: answer(
            'The import report: rows read, stored, already held, refused (with row, column and reason)',
          ),
          202: answer('Queued: the job, whose address (Location) tells its progress and its end'),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
      // The form is read as a stream by queueUploadedSpend, which checks each field as it comes.
      validatorCompiler: (route) =>
        route.httpPart === 'body'
          ? () => true
          : validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]),
    },
    async (request, reply) => {
      const body = await getBody(db, request.params.code);
      const { job, outcome } = await queueUploadedSpend(imports, request, body);
      if (/\brespond-async\b/i.test(request.headers.prefer ?? '') || !outcome)
        return reply
          .status(202)
          .header('location', `/api/v1/spend-import-jobs/${job.id}`)
          .send(jobAnswer({ job }));
      const report = await outcome;
      return reply.status(201).header('location', `/api/v1/spend-imports/${report.id}`).send(report);
    },
  );

  api.get(
    '/api/v1/spend-import-jobs/:id',
    {
      schema: {
        tags,
        params: byJob,
        response: {
          200: answer(
            'The job: queued, running (with rows read, accepted and refused so far), done or failed',
          ),
          404: refused.notFound,
        },
      },
    },
    async (request) => {
      const found = await imports.find(request.params.id);
      if (!found) throw new NotFoundError(`No import has the number ${request.params.id}`);
      return jobAnswer(found);
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
