import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FULL_ACCESS, membership } from '../../domain/access.js';
import {
  memberInput,
  partnershipInput,
  partnershipToInput,
  projectInput,
} from '../../domain/partnerships.js';
import { partnershipQuery, projectId, projectQuery } from '../../domain/queries.js';
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
import { signedIn } from '../access.js';
import {
  answer,
  bySlug,
  memberPath,
  noContent,
  numbered,
  recordAnswers,
  refused,
  someFieldsOf,
} from './schemas.js';

const tags = ['Partnerships'];
const projectTags = ['Projects'];
const byProject = numbered(projectId, 'The project number');
const memberRole = z.object({ role: memberInput.shape.role });

export function partnershipsApi(app: FastifyInstance, db: Database) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/partnerships',
    {
      schema: {
        tags,
        querystring: partnershipQuery,
        response: { 200: answer('A page of partnerships'), 422: refused.invalid },
      },
    },
    async (request) => {
      const { page, perPage, ...filter } = request.query;
      return listPartnerships(db, filter, { page, perPage }, membership(request.viewer));
    },
  );

  api.get(
    '/api/v1/partnerships/:slug',
    { schema: { tags, params: bySlug, response: { 200: answer('Found'), 404: refused.notFound } } },
    async (request) => getPartnership(db, request.params.slug, membership(request.viewer)),
  );

  api.post(
    '/api/v1/partnerships',
    {
      schema: {
        tags,
        body: partnershipInput,
        response: recordAnswers.created,
      },
    },
    async (request, reply) => {
      const { slug } = await savePartnershipRecord(db, actorOf(signedIn(request)), request.body, {
        create: true,
      });
      return reply
        .status(201)
        .header('location', `/api/v1/partnerships/${slug}`)
        .send(await getPartnership(db, slug, membership(request.viewer)));
    },
  );

  api.put(
    '/api/v1/partnerships/:slug',
    {
      schema: {
        tags,
        params: bySlug,
        body: partnershipInput,
        response: recordAnswers.replaced,
      },
    },
    async (request) => {
      const { slug } = await savePartnershipRecord(db, actorOf(signedIn(request)), request.body, {
        update: request.params.slug,
      });
      return getPartnership(db, slug, membership(request.viewer));
    },
  );

  api.patch(
    '/api/v1/partnerships/:slug',
    {
      schema: {
        tags,
        params: bySlug,
        body: someFieldsOf('PartnershipInput'),
        response: recordAnswers.updated,
      },
    },
    async (request) => {
      const current = partnershipToInput(await getPartnership(db, request.params.slug, FULL_ACCESS));
      const input = parseInput(partnershipInput, { ...current, ...request.body }, 'partnership');
      const { slug } = await savePartnershipRecord(db, actorOf(signedIn(request)), input, {
        update: request.params.slug,
      });
      return getPartnership(db, slug, membership(request.viewer));
    },
  );

  api.delete(
    '/api/v1/partnerships/:slug',
    {
      schema: {
        tags,
        params: bySlug,
        response: recordAnswers.deleted,
      },
    },
    async (request, reply) => {
      await deletePartnershipRecord(db, actorOf(signedIn(request)), request.params.slug);
      return reply.status(204).send(null);
    },
  );

  api.put(
    '/api/v1/partnerships/:slug/members/:code',
    {
      schema: {
        tags,
        params: memberPath,
        body: memberRole,
        response: {
          200: answer('Member added or role changed'),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
    },
    async (request) => {
      const { slug, code } = request.params;
      await setMemberRecord(db, actorOf(signedIn(request)), slug, code, request.body.role);
      return getPartnership(db, slug, membership(request.viewer));
    },
  );

  api.delete(
    '/api/v1/partnerships/:slug/members/:code',
    {
      schema: {
        tags,
        params: memberPath,
        response: { 204: noContent('Member removed'), 404: refused.notFound },
      },
    },
    async (request, reply) => {
      await removeMemberRecord(db, actorOf(signedIn(request)), request.params.slug, request.params.code);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/v1/projects',
    {
      schema: {
        tags: projectTags,
        querystring: projectQuery,
        response: { 200: answer('Projects'), 422: refused.invalid },
      },
    },
    async (request) => ({ items: await listProjects(db, request.query, membership(request.viewer)) }),
  );

  api.post(
    '/api/v1/partnerships/:slug/projects',
    {
      schema: {
        tags: projectTags,
        params: bySlug,
        body: projectInput,
        response: {
          201: answer('Created'),
          404: refused.notFound,
          409: refused.conflict,
          422: refused.invalid,
        },
      },
    },
    async (request, reply) => {
      const id = await addProjectRecord(db, actorOf(signedIn(request)), request.params.slug, request.body);
      return reply
        .status(201)
        .header('location', `/api/v1/projects/${id}`)
        .send(await getProject(db, id, membership(request.viewer)));
    },
  );

  api.get(
    '/api/v1/projects/:id',
    {
      schema: {
        tags: projectTags,
        params: byProject,
        response: { 200: answer('Found'), 404: refused.notFound, 422: refused.invalid },
      },
    },
    async (request) => getProject(db, request.params.id, membership(request.viewer)),
  );

  api.put(
    '/api/v1/projects/:id',
    {
      schema: {
        tags: projectTags,
        params: byProject,
        body: projectInput,
        response: recordAnswers.replaced,
      },
    },
    async (request) => {
      await updateProjectRecord(db, actorOf(signedIn(request)), request.params.id, request.body);
      return getProject(db, request.params.id, membership(request.viewer));
    },
  );

  api.patch(
    '/api/v1/projects/:id',
    {
      schema: {
        tags: projectTags,
        params: byProject,
        body: someFieldsOf('ProjectInput'),
        response: recordAnswers.updated,
      },
    },
    async (request) => {
      const { id } = request.params;
      const { name, service, leadBodyCode, stage, description, draft } = await getProject(
        db,
        id,
        FULL_ACCESS,
      );
      const merged = { name, service, leadBodyCode, stage, description, draft, ...request.body };
      await updateProjectRecord(
        db,
        actorOf(signedIn(request)),
        id,
        parseInput(projectInput, merged, 'project'),
      );
      return getProject(db, id, membership(request.viewer));
    },
  );

  api.delete(
    '/api/v1/projects/:id',
    {
      schema: {
        tags: projectTags,
        params: byProject,
        response: recordAnswers.deleted,
      },
    },
    async (request, reply) => {
      await deleteProjectRecord(db, actorOf(signedIn(request)), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
