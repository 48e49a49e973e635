import type { FastifyInstance, FastifyReply } from 'fastify';
import { InputError, type Problem } from '../../domain/errors.js';
import { ColumnChoiceError, type ColumnMapping, SPEND_FIELDS, type SpendField } from '../../domain/spend.js';
import { parseInput } from '../../domain/validation.js';
import type { Body } from '../../domain/bodies.js';
import { getBody } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import { getColumnChoices, getSpendImport, listSpendImports } from '../../store/spend.js';
import { page } from '../app.js';
import { formErrors } from '../forms.js';
import { spendImportId } from '../queries.js';
import { importUploadedSpend } from '../uploads.js';
import { showBody } from './bodies.js';

const FIELD_BY_LABEL = new Map(Object.entries(SPEND_FIELDS).map(([field, label]) => [label, field]));

export function spendPages(app: FastifyInstance, db: Database) {
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

  app.post<{ Params: { code: string } }>('/bodies/:code/spend-imports', async (request, reply) => {
    const body = await getBody(db, request.params.code);
    let fields: Record<string, string> = {};
    try {
      const report = await importUploadedSpend(db, request, body.code, (read) => {
        fields = read;
      });
      return reply.redirect(`/spend-imports/${report.id}`, 303);
    } catch (error) {
      if (error instanceof ColumnChoiceError) {
        // Ask which column holds what, with this file's headings; the file must be chosen again.
        const problems = error.problems.map((p) => ({ ...p, field: columnField(p) }));
        return columnsPage(
          reply.status(422),
          body,
          { name: error.file ?? 'the file', header: error.header, mapping: error.mapping },
          {
            values: fields,
            ...formErrors([...problems, { field: 'file', message: 'Choose the file again' }]),
          },
        );
      }
      if (!(error instanceof InputError)) throw error;
      // A problem with the file as a whole is shown against the file field, with its rows.
      const problems =
        error.problems.length && error.problems.every((p) => p.field === 'undatedMonth')
          ? error.problems.map((p) => ({ ...p, field: 'month' }))
          : [
              {
                field: 'file',
                message: [
                  error.message,
                  ...error.problems.slice(0, 3).map((p) => `row ${p.row ?? '–'}, ${p.field}: ${p.message}`),
                ].join('; '),
              },
            ];
      return showBody(db, reply.status(422), body.code, { values: fields, ...formErrors(problems) });
    }
  });

  app.get<{ Params: { id: string } }>('/spend-imports/:id', async (request, reply) => {
    const r = await getSpendImport(db, parseInput(spendImportId, request.params.id, 'import number'));
    return page(reply, 'spend/report.njk', {
      title: `Import of ${r.file}`,
      synthetic: r.synthetic,
      section: 'bodies',
      breadcrumbs: [
        { text: 'Public bodies', href: '/bodies' },
        { text: r.bodyName, href: `/bodies/${r.bodyCode}#spend` },
      ],
      r,
    });
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
