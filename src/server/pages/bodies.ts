import { benefitsReports, partnerTotals } from '../../services/benefits.js';
import { signedIn } from '../access.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canEditBodySpend, canEditDirectory, FULL_ACCESS, membership } from '../../domain/access.js';
import { bodyInput, NATIONS, REGIONS } from '../../domain/bodies.js';
import { parseInput } from '../../domain/validation.js';
import { actorOf } from '../../services/accounts.js';
import { bodyPicture } from '../../services/body-picture.js';
import { deleteBodyRecord, saveBodyRecord } from '../../services/records.js';
import { getBody, listBodies, listPredecessors, listRegions } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import { listPartnerships } from '../../store/partnerships.js';
import { listProjects } from '../../store/projects.js';
import { listSpendImports } from '../../store/spend.js';
import { listNewsItems } from '../../store/news.js';
import { confirmPage } from '../confirm.js';
import { page } from '../page.js';
import { bodyFromForm, bodyToForm, type Form, formErrors, problemsOf } from '../forms.js';
import { bodyQuery } from '../../domain/queries.js';
import { changesTo } from './audit.js';
import { flash, pagination } from './paging.js';

export function bodyPages(app: FastifyInstance, db: Database) {
  app.get('/bodies', async (request, reply) => {
    const { page: n, perPage, ...filter } = parseInput(bodyQuery, request.query, 'filter');
    const result = await listBodies(db, filter, { page: n, perPage });
    return page(reply, 'bodies/list.njk', {
      title: 'Public bodies',
      section: 'bodies',
      flash: flash(request.query),
      filter,
      result,
      nations: [...NATIONS],
      regions: await listRegions(db),
      pagination: pagination('/bodies', request.query as Record<string, unknown>, result),
    });
  });

  const form = async (reply: FastifyReply, context: Record<string, unknown>) =>
    page(reply, 'bodies/form.njk', {
      section: 'bodies',
      nations: [...NATIONS],
      regions: [...REGIONS],
      errors: {},
      values: {},
      ...context,
    });

  app.get('/bodies/new', (_request, reply) =>
    form(reply, { title: 'Add a public body', action: '/bodies/new' }),
  );

  app.get<{ Params: { code: string } }>('/bodies/:code', async (request, reply) =>
    showBody(db, reply, request.params.code, { flash: flash(request.query) }),
  );

  app.get<{ Params: { code: string } }>('/bodies/:code/edit', async (request, reply) => {
    const body = await getBody(db, request.params.code);
    return form(reply, {
      title: `Edit ${body.name}`,
      action: `/bodies/${body.code}/edit`,
      values: bodyToForm(body),
    });
  });

  const save = (mode: 'create' | 'update') => async (request: FastifyRequest, reply: FastifyReply) => {
    const values = request.body as Form;
    const code = (request.params as { code?: string }).code;
    try {
      const body = parseInput(bodyInput, bodyFromForm(values), 'body');
      await saveBodyRecord(
        db,
        actorOf(signedIn(request)),
        body,
        mode === 'create' ? { create: true } : { update: code as string },
      );
      return reply.redirect(`/bodies/${body.code}?done=body-saved`, 303);
    } catch (error) {
      const problems = problemsOf(error, 'code');
      if (!problems) throw error;
      return form(reply.status(422), {
        title: mode === 'create' ? 'Add a public body' : 'Edit body',
        action: mode === 'create' ? '/bodies/new' : `/bodies/${code}/edit`,
        values,
        ...formErrors(problems),
      });
    }
  };
  app.post('/bodies/new', save('create'));
  app.post('/bodies/:code/edit', save('update'));

  app.get<{ Params: { code: string } }>('/bodies/:code/delete', async (request, reply) => {
    const body = await getBody(db, request.params.code);
    const [imports, partnerships] = await Promise.all([
      listSpendImports(db, body.code),
      listPartnerships(db, { member: body.code }, { page: 1, perPage: 200 }, FULL_ACCESS),
    ]);
    const payments = imports.reduce((sum, i) => sum + i.accepted, 0);
    return confirmPage(reply, {
      title: `Delete ${body.name}?`,
      section: 'bodies',
      breadcrumbs: [
        { text: 'Public bodies', href: '/bodies' },
        { text: body.name, href: `/bodies/${body.code}` },
      ],
      facts: [
        { key: 'Code', value: body.code },
        {
          key: 'Spend imports',
          value: `${imports.length} files, ${payments.toLocaleString('en-GB')} payments`,
        },
        {
          key: 'Partnerships it belongs to',
          value: partnerships.items.map((p) => p.name).join(', ') || 'None',
        },
      ],
      warning: partnerships.items.length
        ? 'A body that partnerships use cannot be deleted: remove it from them first.'
        : 'The body goes from the register with its spend files and their part in suppliers, categories and opportunity reports.',
      action: `/bodies/${body.code}/delete`,
      button: 'Delete this body',
      cancelHref: `/bodies/${body.code}`,
      blocked: partnerships.items.length > 0,
    });
  });

  app.post<{ Params: { code: string } }>('/bodies/:code/delete', async (request, reply) => {
    await deleteBodyRecord(db, actorOf(signedIn(request)), request.params.code);
    return reply.redirect('/bodies?done=body-deleted', 303);
  });
}

/** A body's page, with `context` for a flash message or a refused upload's errors. */
export async function showBody(
  db: Database,
  reply: FastifyReply,
  code: string,
  context: Record<string, unknown>,
) {
  const body = await getBody(db, code);
  const viewer = reply.request.viewer;
  const m = membership(viewer);
  const [partnerships, projects, predecessors, imports, history, news, picture, plans] = await Promise.all([
    listPartnerships(db, { member: body.code }, { page: 1, perPage: 200 }, m),
    listProjects(db, { body: body.code }, m),
    listPredecessors(db, body.code),
    listSpendImports(db, body.code),
    changesTo(db, viewer, { recordType: 'body', recordKey: body.code }),
    listNewsItems(db, { body: body.code, limit: 20 }),
    bodyPicture(db, body.code),
    benefitsReports(db, m, { bodyCode: body.code }),
  ]);
  return page(reply, 'bodies/show.njk', {
    title: body.name,
    section: 'bodies',
    breadcrumbs: [{ text: 'Public bodies', href: '/bodies' }],
    body,
    partnerships: partnerships.items,
    projects,
    predecessors,
    imports,
    synthetic: imports.some((i) => i.synthetic),
    changes: history,
    news,
    picture,
    // What the body has saved through each plan it is a partner in.
    plans: plans.map((r) => ({ plan: r.plan, totals: partnerTotals(r, body.code) })),
    canEdit: canEditDirectory(viewer),
    canImport: canEditBodySpend(viewer, body.code),
    errors: {},
    values: {},
    ...context,
  });
}
