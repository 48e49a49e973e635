import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  memberInput,
  type Partnership,
  partnershipInput,
  projectInput,
  savingsTotals,
} from '../../domain/partnerships.js';
import { parseInput } from '../../domain/validation.js';
import { listBodyRefs, listRegions } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import {
  deletePartnership,
  getPartnership,
  listPartnerships,
  removeMember,
  savePartnership,
  setMember,
} from '../../store/partnerships.js';
import { deleteProject, getProject, saveProject } from '../../store/projects.js';
import { recentOpportunityReport } from '../../services/opportunities.js';
import { listBusinessCases } from '../../store/business-cases.js';
import { page } from '../app.js';
import {
  type Form,
  formErrors,
  partnershipFromForm,
  partnershipToForm,
  projectFromForm,
  problemsOf,
  projectToForm,
} from '../forms.js';
import { partnershipQuery, projectId } from '../queries.js';
import { flash, pagination } from './paging.js';

export function partnershipPages(app: FastifyInstance, db: Database) {
  const bodyOptions = async (chosen: string | undefined, blank: string) => [
    { value: '', text: blank, selected: !chosen },
    ...(await listBodyRefs(db)).map((b) => ({
      value: b.code,
      text: b.endDate ? `${b.name} (ended)` : b.name,
      selected: b.code === chosen,
    })),
  ];

  app.get('/partnerships', async (request, reply) => {
    const { page: n, perPage, ...filter } = parseInput(partnershipQuery, request.query, 'filter');
    const result = await listPartnerships(db, filter, { page: n, perPage });
    return page(reply, 'partnerships/list.njk', {
      title: 'Partnerships',
      section: 'partnerships',
      flash: flash(request.query),
      filter,
      result,
      regions: await listRegions(db),
      memberOptions: await bodyOptions(filter.member?.toUpperCase(), 'Any body'),
      pagination: pagination('/partnerships', request.query as Record<string, unknown>, result),
    });
  });

  const form = (reply: FastifyReply, context: Record<string, unknown>) =>
    page(reply, 'partnerships/form.njk', { section: 'partnerships', errors: {}, values: {}, ...context });

  app.get('/partnerships/new', (_request, reply) =>
    form(reply, { title: 'Add a partnership', action: '/partnerships/new' }),
  );

  const showPartnership = async (reply: FastifyReply, p: Partnership, context: Record<string, unknown>) =>
    page(reply, 'partnerships/show.njk', {
      title: p.name,
      section: 'partnerships',
      breadcrumbs: [{ text: 'Partnerships', href: '/partnerships' }],
      p,
      savings: savingsTotals(p.savingsClaims),
      funding: p.fundingAwards.reduce((sum, f) => sum + f.amountPence, 0),
      opportunities: p.members.length
        ? await recentOpportunityReport(db, { partnership: p.slug })
        : undefined,
      businessCases: await listBusinessCases(db, p.slug),
      bodyOptions: await bodyOptions(
        (context.values as Form | undefined)?.bodyCode as string,
        'Choose a body',
      ),
      errors: {},
      values: {},
      ...context,
    });

  app.get<{ Params: { slug: string } }>('/partnerships/:slug', async (request, reply) =>
    showPartnership(reply, await getPartnership(db, request.params.slug), { flash: flash(request.query) }),
  );

  app.get<{ Params: { slug: string } }>('/partnerships/:slug/edit', async (request, reply) => {
    const p = await getPartnership(db, request.params.slug);
    return form(reply, {
      title: `Edit ${p.name}`,
      action: `/partnerships/${p.slug}/edit`,
      values: partnershipToForm(p),
    });
  });

  const save =
    (mode: 'create' | 'update') =>
    async (request: { body: unknown; params: unknown }, reply: FastifyReply) => {
      const values = request.body as Form;
      const slug = (request.params as { slug?: string }).slug;
      try {
        const existing = slug ? await getPartnership(db, slug) : undefined;
        const input = parseInput(partnershipInput, partnershipFromForm(values, existing), 'partnership');
        const saved = await savePartnership(
          db,
          input,
          mode === 'create' ? { create: true } : { update: slug as string },
        );
        return reply.redirect(`/partnerships/${saved.slug}?done=partnership-saved`, 303);
      } catch (error) {
        const problems = problemsOf(error, 'name');
        if (!problems) throw error;
        return form(reply.status(422), {
          title: mode === 'create' ? 'Add a partnership' : 'Edit partnership',
          action: mode === 'create' ? '/partnerships/new' : `/partnerships/${slug}/edit`,
          values: { ...values, services: [values.services ?? []].flat() },
          ...formErrors(problems),
        });
      }
    };
  app.post('/partnerships/new', save('create'));
  app.post('/partnerships/:slug/edit', save('update'));

  app.post<{ Params: { slug: string } }>('/partnerships/:slug/delete', async (request, reply) => {
    await deletePartnership(db, request.params.slug);
    return reply.redirect('/partnerships?done=partnership-deleted', 303);
  });

  app.post<{ Params: { slug: string }; Body: Form }>(
    '/partnerships/:slug/members',
    async (request, reply) => {
      const { slug } = request.params;
      try {
        const member = parseInput(
          memberInput,
          { bodyCode: request.body.bodyCode || '', role: request.body.role },
          'member',
        );
        await setMember(db, slug, member.bodyCode, member.role);
        return reply.redirect(`/partnerships/${slug}?done=member-added#members`, 303);
      } catch (error) {
        const problems = problemsOf(error, 'bodyCode');
        if (!problems) throw error;
        const shown = problems.map((p) =>
          p.field === 'bodyCode' ? { ...p, message: 'Choose a body to add' } : p,
        );
        return showPartnership(reply.status(422), await getPartnership(db, slug), {
          values: request.body,
          ...formErrors(shown),
        });
      }
    },
  );

  app.post<{ Params: { slug: string; code: string } }>(
    '/partnerships/:slug/members/:code/remove',
    async (request, reply) => {
      await removeMember(db, request.params.slug, request.params.code);
      return reply.redirect(`/partnerships/${request.params.slug}?done=member-removed#members`, 303);
    },
  );

  const projectForm = async (
    reply: FastifyReply,
    partnership: Partnership,
    context: Record<string, unknown>,
  ) => {
    const values = (context.values ?? {}) as Form;
    return page(reply, 'projects/form.njk', {
      section: 'partnerships',
      breadcrumbs: [
        { text: 'Partnerships', href: '/partnerships' },
        { text: partnership.name, href: `/partnerships/${partnership.slug}` },
      ],
      partnership,
      leadOptions: [
        { value: '', text: 'No lead body', selected: !values.leadBodyCode },
        ...partnership.members.map((m) => ({
          value: m.bodyCode,
          text: m.bodyName,
          selected: m.bodyCode === values.leadBodyCode,
        })),
      ],
      errors: {},
      values,
      ...context,
    });
  };

  app.get<{ Params: { slug: string } }>('/partnerships/:slug/projects/new', async (request, reply) => {
    const p = await getPartnership(db, request.params.slug);
    return projectForm(reply, p, { title: 'Add a project', action: `/partnerships/${p.slug}/projects/new` });
  });

  app.get<{ Params: { id: string } }>('/projects/:id/edit', async (request, reply) => {
    const project = await getProject(db, parseInput(projectId, request.params.id, 'project number'));
    return projectForm(reply, await getPartnership(db, project.partnershipSlug), {
      title: `Edit ${project.name}`,
      action: `/projects/${project.id}/edit`,
      projectId: project.id,
      values: projectToForm(project),
    });
  });

  const saveProjectForm =
    (mode: 'create' | 'update') =>
    async (request: { body: unknown; params: unknown }, reply: FastifyReply) => {
      const values = request.body as Form;
      const params = request.params as { slug?: string; id?: string };
      const id = params.id === undefined ? undefined : parseInput(projectId, params.id, 'project number');
      const slug = params.slug ?? (await getProject(db, id as number)).partnershipSlug;
      try {
        const input = parseInput(projectInput, projectFromForm(values), 'project');
        await saveProject(db, input, mode === 'create' ? { partnership: slug } : { update: id as number });
        return reply.redirect(`/partnerships/${slug}?done=project-saved#projects`, 303);
      } catch (error) {
        const problems = problemsOf(error, 'name');
        if (!problems) throw error;
        return projectForm(reply.status(422), await getPartnership(db, slug), {
          title: mode === 'create' ? 'Add a project' : 'Edit project',
          action: mode === 'create' ? `/partnerships/${slug}/projects/new` : `/projects/${id}/edit`,
          projectId: id,
          values,
          ...formErrors(problems),
        });
      }
    };
  app.post('/partnerships/:slug/projects/new', saveProjectForm('create'));
  app.post('/projects/:id/edit', saveProjectForm('update'));

  app.post<{ Params: { id: string } }>('/projects/:id/delete', async (request, reply) => {
    const project = await getProject(db, parseInput(projectId, request.params.id, 'project number'));
    await deleteProject(db, project.id);
    return reply.redirect(`/partnerships/${project.partnershipSlug}?done=project-deleted#projects`, 303);
  });
}
