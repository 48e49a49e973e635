import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  memberInput,
  partnershipInput,
  partnershipToInput,
  projectInput,
} from '../../domain/partnerships.js';
import { parseInput } from '../../domain/validation.js';
import type { Database } from '../../store/db.js';
import {
  deletePartnership,
  getPartnership,
  listPartnerships,
  removeMember,
  savePartnership,
  setMember,
} from '../../store/partnerships.js';
import { deleteProject, getProject, listProjects, saveProject } from '../../store/projects.js';
import { partnershipQuery, projectId, projectQuery } from '../queries.js';

type BySlug = { Params: { slug: string } };
type ById = { Params: { id: string } };

export function partnershipsApi(app: FastifyInstance, db: Database) {
  app.get('/api/v1/partnerships', async (request) => {
    const { page, perPage, ...filter } = parseInput(partnershipQuery, request.query, 'query');
    return listPartnerships(db, filter, { page, perPage });
  });

  app.get<BySlug>('/api/v1/partnerships/:slug', async (request) => getPartnership(db, request.params.slug));

  app.post('/api/v1/partnerships', async (request, reply) => {
    const input = parseInput(partnershipInput, request.body, 'partnership');
    const { slug } = await savePartnership(db, input, { create: true });
    return reply
      .status(201)
      .header('location', `/api/v1/partnerships/${slug}`)
      .send(await getPartnership(db, slug));
  });

  app.put<BySlug>('/api/v1/partnerships/:slug', async (request) => {
    const input = parseInput(partnershipInput, request.body, 'partnership');
    const { slug } = await savePartnership(db, input, { update: request.params.slug });
    return getPartnership(db, slug);
  });

  app.patch<BySlug>('/api/v1/partnerships/:slug', async (request) => {
    const current = partnershipToInput(await getPartnership(db, request.params.slug));
    const input = parseInput(partnershipInput, { ...current, ...(request.body as object) }, 'partnership');
    const { slug } = await savePartnership(db, input, { update: request.params.slug });
    return getPartnership(db, slug);
  });

  app.delete<BySlug>('/api/v1/partnerships/:slug', async (request, reply) => {
    await deletePartnership(db, request.params.slug);
    return reply.status(204).send();
  });

  app.put<{ Params: { slug: string; code: string } }>(
    '/api/v1/partnerships/:slug/members/:code',
    async (request) => {
      const role = parseInput(z.object({ role: memberInput.shape.role }), request.body ?? {}, 'member').role;
      await setMember(db, request.params.slug, request.params.code, role);
      return getPartnership(db, request.params.slug);
    },
  );

  app.delete<{ Params: { slug: string; code: string } }>(
    '/api/v1/partnerships/:slug/members/:code',
    async (request, reply) => {
      await removeMember(db, request.params.slug, request.params.code);
      return reply.status(204).send();
    },
  );

  app.get('/api/v1/projects', async (request) => ({
    items: await listProjects(db, parseInput(projectQuery, request.query, 'query')),
  }));

  app.post<BySlug>('/api/v1/partnerships/:slug/projects', async (request, reply) => {
    const input = parseInput(projectInput, request.body, 'project');
    const id = await saveProject(db, input, { partnership: request.params.slug });
    return reply
      .status(201)
      .header('location', `/api/v1/projects/${id}`)
      .send(await getProject(db, id));
  });

  app.get<ById>('/api/v1/projects/:id', async (request) =>
    getProject(db, parseInput(projectId, request.params.id, 'project number')),
  );

  app.put<ById>('/api/v1/projects/:id', async (request) => {
    const id = parseInput(projectId, request.params.id, 'project number');
    await saveProject(db, parseInput(projectInput, request.body, 'project'), { update: id });
    return getProject(db, id);
  });

  app.patch<ById>('/api/v1/projects/:id', async (request) => {
    const id = parseInput(projectId, request.params.id, 'project number');
    const { name, service, leadBodyCode, stage, description } = await getProject(db, id);
    const merged = { name, service, leadBodyCode, stage, description, ...(request.body as object) };
    await saveProject(db, parseInput(projectInput, merged, 'project'), { update: id });
    return getProject(db, id);
  });

  app.delete<ById>('/api/v1/projects/:id', async (request, reply) => {
    await deleteProject(db, parseInput(projectId, request.params.id, 'project number'));
    return reply.status(204).send();
  });
}
