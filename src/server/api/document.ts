import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bodyInput } from '../../domain/bodies.js';
import { businessCaseInput } from '../../domain/business-case/input.js';
import { partnershipInput, projectInput } from '../../domain/partnerships.js';
import { registerDocument } from '../../domain/register.js';
import { policyFor } from '../policies.js';
import { answer, refused } from './schemas.js';

/**
 * Records the document names as components, so each is described once and referred to. A request
 * refers to the input form (`BodyInput`); `Body` is the same record as checked, for answers.
 */
const NAMED = {
  Body: bodyInput,
  Partnership: partnershipInput,
  Project: projectInput,
  RegisterDocument: registerDocument,
  BusinessCase: businessCaseInput,
};

/**
 * The OpenAPI document of /api/v1, generated from the schemas each route declares (and checks
 * requests against), so it cannot drift from what the routes accept. Registered before the routes, so that it sees each one added.
 */
export async function apiDocument(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pathfinder API',
        version: '1',
        description: [
          'Public bodies and the partnerships between them. Money is in whole pence; dates are ISO 8601.',
          'Reading public records needs no sign-in. A partnership’s private records (business cases, draft',
          'projects, confidential savings) and every change need an API token, made on your account page and',
          'sent as `Authorization: Bearer pf_…`; it acts with its scopes (read, write) and never beyond its',
          'user’s rights. A refusal is 403, or 404 where the record is private.',
        ].join(' '),
      },
      servers: [{ url: '/' }],
      security: [{}, { token: [] }],
      components: {
        securitySchemes: {
          token: { type: 'http', scheme: 'bearer', description: 'An API token from your account page' },
        },
      },
    },
    // Pages are HTML for people; only the API is described.
    transform: (input) =>
      input.url.startsWith('/api/v1/')
        ? jsonSchemaTransform({ ...input, schema: withRefusals(input.schema, input.route.method, input.url) })
        : { schema: { hide: true }, url: input.url },
    transformObject: jsonSchemaTransformObject,
  });
  for (const [id, schema] of Object.entries(NAMED))
    if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });
}

/**
 * The answers a route gives whatever it declares, from the access rules (policies.ts) and the body
 * parser: a token that is not valid (any route), no right to do this (any route but a public one;
 * a private record one may not read is 404, as if absent), and a body that cannot be read.
 */
function withRefusals(schema: FastifySchema, methods: string | string[], url: string): FastifySchema {
  const policy = [methods]
    .flat()
    .map((method) => policyFor(method, url))
    .find(Boolean);
  const open = policy === undefined || policy === 'public';
  const readsPrivate = typeof policy === 'object' && 'partnership' in policy && policy.partnership === 'read';
  return {
    ...schema,
    ...(open ? {} : { security: [{ token: [] }] }),
    response: {
      ...(schema.body ? { 400: refused.unreadable } : {}),
      401: refused.unauthorised,
      ...(open || readsPrivate ? {} : { 403: refused.forbidden }),
      ...(schema.response as object),
    },
  };
}

/** Serves the document; added with the other routes so that their access rules cover it too. */
export function openApiRoute(app: FastifyInstance) {
  app.get(
    '/api/v1/openapi.json',
    { schema: { tags: ['API'], summary: 'This document', response: { 200: answer('This document') } } },
    async () => app.swagger(),
  );
}
