import { signedIn } from '../access.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canEditPartnership, canReadPrivate, FULL_ACCESS, membership } from '../../domain/access.js';
import {
  MEMBER_ROLES,
  memberInput,
  type Partnership,
  partnershipInput,
  PROJECT_STAGES,
  projectInput,
  savingsTotals,
} from '../../domain/partnerships.js';
import { NotFoundError } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import { listBodyRefs, listRegions } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import { actorOf } from '../../services/accounts.js';
import {
  addNoteRecord,
  addProjectRecord,
  deletePartnershipRecord,
  deleteProjectRecord,
  removeMemberRecord,
  savePartnershipRecord,
  setMemberRecord,
  updateProjectRecord,
} from '../../services/records.js';
import { listNotes } from '../../store/notes.js';
import { listNewsItems } from '../../store/news.js';
import { getPartnership, listPartnerships } from '../../store/partnerships.js';
import { getProject } from '../../store/projects.js';
import { recentOpportunityReport } from '../../services/opportunities.js';
import { benefitsReports, benefitsTotals } from '../../services/benefits.js';
import { listBusinessCases } from '../../store/business-cases.js';
import { confirmPage } from '../confirm.js';
import { page } from '../page.js';
import {
  type Form,
  formErrors,
  partnershipFromForm,
  partnershipToForm,
  projectFromForm,
  problemsOf,
  projectToForm,
} from '../forms.js';
import { partnershipQuery, projectId } from '../../domain/queries.js';
import { changesTo } from './audit.js';
import { flash, pagination } from './paging.js';

const noteText = z.string().trim().min(1, { message: 'Write the note' }).max(5000);

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
    const result = await listPartnerships(db, filter, { page: n, perPage }, membership(request.viewer));
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

  const showPartnership = async (reply: FastifyReply, slug: string, context: Record<string, unknown>) => {
    const viewer = reply.request.viewer;
    const p = await getPartnership(db, slug, membership(viewer));
    const codes = p.members.map((m) => m.bodyCode);
    const member = canReadPrivate(viewer, codes);
    const benefits = await benefitsReports(db, membership(viewer), { partnership: p.slug });
    return page(reply, 'partnerships/show.njk', {
      title: p.name,
      section: 'partnerships',
      breadcrumbs: [{ text: 'Partnerships', href: '/partnerships' }],
      p,
      savings: savingsTotals(p.savingsClaims),
      benefits,
      benefitsTotals: benefitsTotals(benefits),
      funding: p.fundingAwards.reduce((sum, f) => sum + f.amountPence, 0),
      opportunities: p.members.length
        ? await recentOpportunityReport(db, { partnership: p.slug })
        : undefined,
      member,
      news: await listNewsItems(db, { partnership: p.slug, limit: 20 }),
      canEdit: canEditPartnership(viewer, codes),
      businessCases: member ? await listBusinessCases(db, membership(viewer), p.slug) : [],
      notes: member ? await listNotes(db, p.slug) : [],
      changes: member ? await changesTo(db, viewer, { partnershipSlug: p.slug, limit: 10 }) : [],
      bodyOptions: await bodyOptions(
        (context.values as Form | undefined)?.bodyCode as string,
        'Choose a body',
      ),
      errors: {},
      values: {},
      ...context,
    });
  };

  app.get<{ Params: { slug: string } }>('/partnerships/:slug', async (request, reply) =>
    showPartnership(reply, request.params.slug, { flash: flash(request.query) }),
  );

  app.get<{ Params: { slug: string } }>('/partnerships/:slug/edit', async (request, reply) => {
    const p = await getPartnership(db, request.params.slug, FULL_ACCESS);
    return form(reply, {
      title: `Edit ${p.name}`,
      action: `/partnerships/${p.slug}/edit`,
      values: partnershipToForm(p),
    });
  });

  const save = (mode: 'create' | 'update') => async (request: FastifyRequest, reply: FastifyReply) => {
    const values = request.body as Form;
    const slug = (request.params as { slug?: string }).slug;
    const viewer = signedIn(request);
    try {
      const existing = slug ? await getPartnership(db, slug, FULL_ACCESS) : undefined;
      const input = parseInput(partnershipInput, partnershipFromForm(values, existing), 'partnership');
      // Whoever starts a partnership leads it for their body, so they can go on to edit it.
      if (!existing && viewer.bodyCode) input.members = [{ bodyCode: viewer.bodyCode, role: 'lead' }];
      const saved = await savePartnershipRecord(
        db,
        actorOf(viewer),
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

  app.get<{ Params: { slug: string } }>('/partnerships/:slug/delete', async (request, reply) => {
    const p = await getPartnership(db, request.params.slug, FULL_ACCESS);
    const cases = await listBusinessCases(db, FULL_ACCESS, p.slug);
    return confirmPage(reply, {
      title: `Delete the partnership ${p.name}?`,
      section: 'partnerships',
      breadcrumbs: [
        { text: 'Partnerships', href: '/partnerships' },
        { text: p.name, href: `/partnerships/${p.slug}` },
      ],
      facts: [
        { key: 'Members', value: p.members.map((m) => m.bodyName).join(', ') || 'None' },
        { key: 'Projects', value: p.projects.map((x) => x.name).join(', ') || 'None' },
        { key: 'Business cases', value: cases.map((c) => c.input.name).join(', ') || 'None' },
      ],
      warning:
        'The partnership goes from the register with its membership, governance, funding, projects, savings, business cases and notes. The bodies themselves and their spend stay.',
      action: `/partnerships/${p.slug}/delete`,
      button: 'Delete this partnership',
      cancelHref: `/partnerships/${p.slug}`,
    });
  });

  app.post<{ Params: { slug: string } }>('/partnerships/:slug/delete', async (request, reply) => {
    await deletePartnershipRecord(db, actorOf(signedIn(request)), request.params.slug);
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
        await setMemberRecord(db, actorOf(signedIn(request)), slug, member.bodyCode, member.role);
        return reply.redirect(`/partnerships/${slug}?done=member-added#members`, 303);
      } catch (error) {
        const problems = problemsOf(error, 'bodyCode');
        if (!problems) throw error;
        const shown = problems.map((p) =>
          p.field === 'bodyCode' ? { ...p, message: 'Choose a body to add' } : p,
        );
        return showPartnership(reply.status(422), slug, {
          values: request.body,
          ...formErrors(shown),
        });
      }
    },
  );

  app.get<{ Params: { slug: string; code: string } }>(
    '/partnerships/:slug/members/:code/remove',
    async (request, reply) => {
      const p = await getPartnership(db, request.params.slug, FULL_ACCESS);
      const member = p.members.find((m) => m.bodyCode === request.params.code.toUpperCase());
      if (!member) throw new NotFoundError(`${request.params.code} is not a member of ${p.name}`);
      return confirmPage(reply, {
        title: `Remove ${member.bodyName} from ${p.name}?`,
        section: 'partnerships',
        breadcrumbs: [
          { text: 'Partnerships', href: '/partnerships' },
          { text: p.name, href: `/partnerships/${p.slug}` },
        ],
        facts: [
          { key: 'Body', value: member.bodyName },
          { key: 'Role', value: MEMBER_ROLES[member.role] },
        ],
        warning: `${member.bodyName} stops being a member: its people no longer see or change the partnership’s business cases, draft projects, confidential savings and notes, and its spend leaves the partnership’s opportunity report.`,
        action: `/partnerships/${p.slug}/members/${member.bodyCode}/remove`,
        button: 'Remove this member',
        cancelHref: `/partnerships/${p.slug}#members`,
      });
    },
  );

  app.post<{ Params: { slug: string; code: string } }>(
    '/partnerships/:slug/members/:code/remove',
    async (request, reply) => {
      await removeMemberRecord(db, actorOf(signedIn(request)), request.params.slug, request.params.code);
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
    const p = await getPartnership(db, request.params.slug, FULL_ACCESS);
    return projectForm(reply, p, { title: 'Add a project', action: `/partnerships/${p.slug}/projects/new` });
  });

  app.get<{ Params: { id: string } }>('/projects/:id/edit', async (request, reply) => {
    const project = await getProject(
      db,
      parseInput(projectId, request.params.id, 'project number'),
      FULL_ACCESS,
    );
    return projectForm(reply, await getPartnership(db, project.partnershipSlug, FULL_ACCESS), {
      title: `Edit ${project.name}`,
      action: `/projects/${project.id}/edit`,
      projectId: project.id,
      values: projectToForm(project),
      changes: await changesTo(db, request.viewer, {
        recordType: 'project',
        recordKey: String(project.id),
      }),
    });
  });

  const saveProjectForm =
    (mode: 'create' | 'update') => async (request: FastifyRequest, reply: FastifyReply) => {
      const values = request.body as Form;
      const params = request.params as { slug?: string; id?: string };
      const id = params.id === undefined ? undefined : parseInput(projectId, params.id, 'project number');
      const slug = params.slug ?? (await getProject(db, id as number, FULL_ACCESS)).partnershipSlug;
      const actor = actorOf(signedIn(request));
      try {
        const input = parseInput(projectInput, projectFromForm(values), 'project');
        if (id === undefined) await addProjectRecord(db, actor, slug, input);
        else await updateProjectRecord(db, actor, id, input);
        return reply.redirect(`/partnerships/${slug}?done=project-saved#projects`, 303);
      } catch (error) {
        const problems = problemsOf(error, 'name');
        if (!problems) throw error;
        return projectForm(reply.status(422), await getPartnership(db, slug, FULL_ACCESS), {
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

  app.get<{ Params: { id: string } }>('/projects/:id/delete', async (request, reply) => {
    const project = await getProject(
      db,
      parseInput(projectId, request.params.id, 'project number'),
      FULL_ACCESS,
    );
    return confirmPage(reply, {
      title: `Delete the project ${project.name}?`,
      caption: project.partnershipName,
      section: 'partnerships',
      breadcrumbs: [
        { text: 'Partnerships', href: '/partnerships' },
        { text: project.partnershipName, href: `/partnerships/${project.partnershipSlug}#projects` },
      ],
      facts: [
        { key: 'Stage', value: PROJECT_STAGES[project.stage] },
        { key: 'Lead body', value: project.leadBodyName ?? 'None' },
      ],
      warning: 'The project goes from the partnership with its savings claims.',
      action: `/projects/${project.id}/delete`,
      button: 'Delete this project',
      cancelHref: `/projects/${project.id}/edit`,
    });
  });

  app.post<{ Params: { id: string } }>('/projects/:id/delete', async (request, reply) => {
    const project = await getProject(
      db,
      parseInput(projectId, request.params.id, 'project number'),
      FULL_ACCESS,
    );
    await deleteProjectRecord(db, actorOf(signedIn(request)), project.id);
    return reply.redirect(`/partnerships/${project.partnershipSlug}?done=project-deleted#projects`, 303);
  });

  app.post<{ Params: { slug: string }; Body: Form }>('/partnerships/:slug/notes', async (request, reply) => {
    const text = parseInput(noteText, request.body.text, 'note');
    await addNoteRecord(db, actorOf(signedIn(request)), request.params.slug, text);
    return reply.redirect(`/partnerships/${request.params.slug}?done=note-added#notes`, 303);
  });
}
