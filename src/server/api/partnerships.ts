import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FULL_ACCESS, membership } from '../../domain/access.js';
import {
  memberInput,
  partnershipInput,
  partnershipToInput,
  projectInput,
} from '../../domain/partnerships.js';
import { parseInput } from '../../domain/validation.js';
import { actorOf } from '../../services/accounts.js';
import {
  addProjectRecord,
  deletePartnershipRecord,
  deleteProjectRecord,
  removeMemberRecord,
  savePartnershipRecord,
  setMemberRecord,
  updateProjectRecord,
} from '../../services/records.js';
import type { Database } from '../../store/db.js';
import { getPartnership, listPartnerships } from '../../store/partnerships.js';
import { getProject, listProjects } from '../../store/projects.js';
import { partnershipQuery, projectId, projectQuery } from '../../domain/queries.js';

type BySlug = { Params: { slug: string } };
type ById = { Params: { id: string } };

export function partnershipsApi(app: FastifyInstance, db: Database) {
  app.get('/api/v1/partnerships', async (request) => {
    const { page, perPage, ...filter } = parseInput(partnershipQuery, request.query, 'query');
    return listPartnerships(db, filter, { page, perPage }, membership(request.viewer));
  });

  app.get<BySlug>('/api/v1/partnerships/:slug', async (request) =>
    getPartnership(db, request.params.slug, membership(request.viewer)),
  );

  app.post('/api/v1/partnerships', async (request, reply) => {
    const input = parseInput(partnershipInput, request.body, 'partnership');
    const { slug } = await savePartnershipRecord(db, actorOf(request.viewer!), input, { create: true });
    return reply
      .status(201)
      .header('location', `/api/v1/partnerships/${slug}`)
      .send(await getPartnership(db, slug, membership(request.viewer)));
  });

  app.put<BySlug>('/api/v1/partnerships/:slug', async (request) => {
    const input = parseInput(partnershipInput, request.body, 'partnership');
    const { slug } = await savePartnershipRecord(db, actorOf(request.viewer!), input, {
      update: request.params.slug,
    });
    return getPartnership(db, slug, membership(request.viewer));
  });

  app.patch<BySlug>('/api/v1/partnerships/:slug', async (request) => {
    const current = partnershipToInput(await getPartnership(db, request.params.slug, FULL_ACCESS));
    const input = parseInput(partnershipInput, { ...current, ...(request.body as object) }, 'partnership');
    const { slug } = await savePartnershipRecord(db, actorOf(request.viewer!), input, {
      update: request.params.slug,
    });
    return getPartnership(db, slug, membership(request.viewer));
  });

  app.delete<BySlug>('/api/v1/partnerships/:slug', async (request, reply) => {
    await deletePartnershipRecord(db, actorOf(request.viewer!), request.params.slug);
    return reply.status(204).send();
  });

  app.put<{ Params: { slug: string; code: string } }>(
    '/api/v1/partnerships/:slug/members/:code',
    async (request) => {
      const role = parseInput(z.object({ role: memberInput.shape.role }), request.body ?? {}, 'member').role;
      await setMemberRecord(db, actorOf(request.viewer!), request.params.slug, request.params.code, role);
      return getPartnership(db, request.params.slug, membership(request.viewer));
    },
  );

  app.delete<{ Params: { slug: string; code: string } }>(
    '/api/v1/partnerships/:slug/members/:code',
    async (request, reply) => {
      await removeMemberRecord(db, actorOf(request.viewer!), request.params.slug, request.params.code);
      return reply.status(204).send();
    },
  );

  app.get('/api/v1/projects', async (request) => ({
    items: await listProjects(
      db,
      parseInput(projectQuery, request.query, 'query'),
      membership(request.viewer),
    ),
  }));

  app.post<BySlug>('/api/v1/partnerships/:slug/projects', async (request, reply) => {
    const input = parseInput(projectInput, request.body, 'project');
    const id = await addProjectRecord(db, actorOf(request.viewer!), request.params.slug, input);
    return reply
      .status(201)
      .header('location', `/api/v1/projects/${id}`)
      .send(await getProject(db, id, membership(request.viewer)));
  });

  app.get<ById>('/api/v1/projects/:id', async (request) =>
    getProject(db, parseInput(projectId, request.params.id, 'project number'), membership(request.viewer)),
  );

  app.put<ById>('/api/v1/projects/:id', async (request) => {
    const id = parseInput(projectId, request.params.id, 'project number');
    await updateProjectRecord(
      db,
      actorOf(request.viewer!),
      id,
      parseInput(projectInput, request.body, 'project'),
    );
    return getProject(db, id, membership(request.viewer));
  });

  app.patch<ById>('/api/v1/projects/:id', async (request) => {
    const id = parseInput(projectId, request.params.id, 'project number');
    const { name, service, leadBodyCode, stage, description, draft } = await getProject(db, id, FULL_ACCESS);
    const merged = { name, service, leadBodyCode, stage, description, draft, ...(request.body as object) };
    await updateProjectRecord(db, actorOf(request.viewer!), id, parseInput(projectInput, merged, 'project'));
    return getProject(db, id, membership(request.viewer));
  });

  app.delete<ById>('/api/v1/projects/:id', async (request, reply) => {
    await deleteProjectRecord(
      db,
      actorOf(request.viewer!),
      parseInput(projectId, request.params.id, 'project number'),
    );
    return reply.status(204).send();
  });
}
