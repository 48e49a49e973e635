import { signedIn } from '../access.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canEditBodySpend } from '../../domain/access.js';
import { InputError, NotFoundError, type Problem } from '../../domain/errors.js';
import {
  adviceForRefusedFile,
  type ColumnMapping,
  SPEND_FIELDS,
  type SpendField,
} from '../../domain/spend.js';
import { parseInput } from '../../domain/validation.js';
import type { Body } from '../../domain/bodies.js';
import { getBody } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import { actorOf } from '../../services/accounts.js';
import { undoSpendImport } from '../../services/import-spend.js';
import { allRejections, getColumnChoices, getSpendImport, listSpendImports } from '../../store/spend.js';
import { sendTables } from '../downloads.js';
import { confirmPage } from '../confirm.js';
import { page } from '../page.js';
import { formatDate } from '../../web/render.js';
import { formatPounds } from '../../domain/money.js';
import { formErrors } from '../forms.js';
import { spendImportId } from '../../domain/queries.js';
import { jobAnswer, queueUploadedSpend } from '../uploads.js';
import type { SpendImportQueue } from '../../services/import-queue.js';
import type { ImportProblem } from '../../store/import-jobs.js';
import { listReviews } from '../../store/suppliers.js';
import { listUnmapped } from '../../store/categories.js';
import { z } from 'zod';
import { showBody } from './bodies.js';

const FIELD_BY_LABEL = new Map(Object.entries(SPEND_FIELDS).map(([field, label]) => [label, field]));

const jobId = z.object({ id: z.uuid({ message: 'An import job is numbered like 0b5c…-…' }) });

export function spendPages(app: FastifyInstance, db: Database, imports: SpendImportQueue) {
  /**
   * Which column holds what, with the headings of a file: the body's latest import when asked for,
   * or the file just refused because its columns could not all be placed.
   */
  const columnsPage = async (
    reply: FastifyReply,
    body: Body,
    file: { name: string; header: string[]; mapping: ColumnMapping } | undefined,
    context: Record<string, unknown> = {},
  ) => {
    const saved = await getColumnChoices(db, body.code);
    const values = context.values as Record<string, string> | undefined;
    // What was chosen in the form just sent, else what was saved for the body.
    const chosen = (field: string) => values?.[`column.${field}`] ?? saved[field] ?? '';
    return page(reply, 'spend/columns.njk', {
      title: `Columns in ${body.name}’s spend files`,
      section: 'bodies',
      breadcrumbs: [
        { text: 'Public bodies', href: '/bodies' },
        { text: body.name, href: `/bodies/${body.code}#spend` },
      ],
      body,
      file,
      columns: file && columnChoices(file.header, file.mapping, chosen),
      errors: {},
      values: {},
      ...context,
    });
  };

  app.get<{ Params: { code: string } }>('/bodies/:code/spend-columns', async (request, reply) => {
    const body = await getBody(db, request.params.code);
    const [latest] = await listSpendImports(db, body.code);
    return columnsPage(
      reply,
      body,
      latest && { name: latest.file, header: latest.layout.header, mapping: latest.layout.mapping },
    );
  });

  /**
   * Shows why a file stored nothing, on the form that sends it again: the columns to choose when
   * they could not all be placed, the question when the same file is held for another body, else the
   * problem against the file field with its first rows. The file must be chosen again each time.
   */
  const showRefusal = (
    reply: FastifyReply,
    body: Body,
    problem: ImportProblem,
    values: Record<string, string>,
  ) => {
    if (problem.columns) {
      // Named by the spend field, since the summary lists them out of the form's context.
      const problems = problem.problems.map((p) => ({
        ...p,
        message: `${p.field}: ${p.message}`,
        field: columnField(p),
      }));
      return columnsPage(
        reply,
        body,
        { name: problem.file ?? 'the file', ...problem.columns },
        { values, ...formErrors([...problems, { field: 'file', message: 'Choose the file again' }]) },
      );
    }
    if (problem.heldFor)
      return showBody(db, reply, body.code, {
        values,
        askOtherBody: problem.heldFor,
        ...formErrors([
          { field: 'confirmOtherBody', message: problem.message },
          { field: 'file', message: 'Choose the file again' },
        ]),
      });
    const problems =
      problem.problems.length && problem.problems.every((p) => p.field === 'undatedMonth')
        ? problem.problems.map((p) => ({ ...p, field: 'month' }))
        : [
            {
              field: 'file',
              message: [
                problem.file ? `${problem.file}: ${problem.message}` : problem.message,
                ...problem.problems.slice(0, 3).map((p) => `row ${p.row ?? '–'}, ${p.field}: ${p.message}`),
              ].join('; '),
            },
          ];
    return showBody(db, reply, body.code, { values, ...formErrors(problems) });
  };

  // An upload is queued and followed on its job's page; only a form that cannot be read is refused here.
  app.post<{ Params: { code: string } }>('/bodies/:code/spend-imports', async (request, reply) => {
    const body = await getBody(db, request.params.code);
    try {
      const { job } = await queueUploadedSpend(imports, request, body);
      return reply.redirect(`/spend-import-jobs/${job.id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showRefusal(reply.status(422), body, { message: error.message, problems: error.problems }, {});
    }
  });

  app.get<{ Params: { id: string } }>('/spend-import-jobs/:id', async (request, reply) => {
    const { id } = parseInput(jobId, request.params, 'import job');
    const found = await imports.find(id);
    if (!found) throw new NotFoundError(`No import has the number ${id}`);
    const { job, progress } = found;
    // Done: the report, unless the import has been removed since.
    if (job.state === 'done')
      return reply.redirect(
        job.importId ? `/spend-imports/${job.importId}?done=imported` : `/bodies/${job.bodyCode}#spend`,
        303,
      );
    if (job.state === 'failed' && job.problem)
      return showRefusal(reply.status(422), await getBody(db, job.bodyCode), job.problem, job.form);
    return page(reply, 'spend/job.njk', {
      title: `Importing ${job.file}`,
      section: 'bodies',
      breadcrumbs: [
        { text: 'Public bodies', href: '/bodies' },
        { text: job.bodyName, href: `/bodies/${job.bodyCode}#spend` },
      ],
      job,
      progress,
      status: jobAnswer(found),
    });
  });

  app.get<{ Params: { id: string } }>('/spend-imports/:id', async (request, reply) => {
    const r = await getSpendImport(db, parseInput(spendImportId, request.params.id, 'import number'));
    return page(reply, 'spend/report.njk', {
      title: r.failed ? `${r.file} could not be imported` : `Import of ${r.file}`,
      synthetic: r.synthetic,
      section: 'bodies',
      breadcrumbs: [
        { text: 'Public bodies', href: '/bodies' },
        { text: r.bodyName, href: `/bodies/${r.bodyCode}#spend` },
      ],
      r,
      advice: r.failed ? adviceForRefusedFile(r.rejections) : undefined,
      canRemove: canEditBodySpend(request.viewer, r.bodyCode),
      // Just imported: what is left for a person to do with it.
      nextSteps: !r.failed &&
        (request.query as { done?: string }).done === 'imported' && {
          reviews: (await listReviews(db, 1000)).length,
          unmapped: (await listUnmapped(db, { body: r.bodyCode }, 1000)).length,
        },
    });
  });

  app.get<{ Params: { id: string } }>('/spend-imports/:id/refused.csv', async (request, reply) => {
    const id = parseInput(spendImportId, request.params.id, 'import number');
    const r = await getSpendImport(db, id);
    const rows = (await allRejections(db, id)).map((x) => [x.row, x.field, x.reason]);
    return sendTables(
      reply,
      [{ name: 'refused', title: 'Rows refused', header: ['Row', 'Column', 'Reason'], rows }],
      'csv',
      `${r.file.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '-')}`,
    );
  });

  type Removal = { Params: { code: string; id: string } };
  const removal = async (request: FastifyRequest<Removal>) => {
    const r = await getSpendImport(db, parseInput(spendImportId, request.params.id, 'import number'));
    if (r.bodyCode !== request.params.code.toUpperCase())
      throw new NotFoundError(`No spend import has the number ${request.params.id}`);
    return r;
  };

  // Removing an import asks first, on a page of its own that says what goes with it.
  app.get<Removal>('/bodies/:code/spend-imports/:id/remove', async (request, reply) => {
    const r = await removal(request);
    return confirmPage(reply, {
      title: `Remove the import of ${r.file}?`,
      caption: `Spend import ${r.id} for ${r.bodyName}`,
      section: 'bodies',
      breadcrumbs: [
        { text: 'Public bodies', href: '/bodies' },
        { text: r.bodyName, href: `/bodies/${r.bodyCode}#spend` },
        { text: `Import ${r.id}`, href: `/spend-imports/${r.id}` },
      ],
      facts: [
        { key: 'Body', value: r.bodyName },
        { key: 'Imported', value: formatDate(r.importedAt) },
        { key: 'Payments it stored', value: r.accepted.toLocaleString('en-GB') },
        { key: 'Total of payments read', value: formatPounds(r.totalPence) },
      ],
      warning: `The ${r.accepted.toLocaleString('en-GB')} payments this import stored are removed, with their part in supplier totals, categories and opportunity reports. Payments it shared with files imported after it go too: import those files again to put them back.`,
      action: `/bodies/${r.bodyCode}/spend-imports/${r.id}/remove`,
      button: 'Remove this import',
      cancelHref: `/spend-imports/${r.id}`,
    });
  });

  app.post<Removal>('/bodies/:code/spend-imports/:id/remove', async (request, reply) => {
    const r = await removal(request);
    await undoSpendImport(db, actorOf(signedIn(request)), r.bodyCode, r.id);
    return reply.redirect(`/bodies/${r.bodyCode}?done=import-removed#spend`, 303);
  });
}

/** A select for each spend field: the column found for it first, then every heading in the file. */
function columnChoices(header: string[], found: ColumnMapping, chosen: (field: string) => string) {
  return (Object.entries(SPEND_FIELDS) as [SpendField, string][]).map(([field, label]) => {
    const heading = found[field] === undefined ? undefined : header[found[field]];
    return {
      field,
      label,
      items: [
        { value: '', text: heading ? `As found: ${heading}` : 'Not in the file' },
        ...header.filter(Boolean).map((h) => ({ value: h, text: h, selected: chosen(field) === h })),
      ],
    };
  });
}

/** The form field of a column problem: the select for the spend field it names. */
function columnField(problem: Problem): string {
  const field = FIELD_BY_LABEL.get(problem.field as (typeof SPEND_FIELDS)[SpendField]);
  return field ? `column-${field}` : 'file';
}
