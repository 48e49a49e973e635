import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CATEGORIES } from '../../domain/categories.js';
import {
  categoryChoice,
  categoryQuery,
  exclusionChoice,
  exclusionQuery,
  supplierDecision,
  supplierId,
  supplierMerge,
  supplierQuery,
  supplierSplit,
} from '../../domain/queries.js';
import { actorOf } from '../../services/accounts.js';
import {
  confirmCategoryRecord,
  confirmExclusionRecord,
  decideReviewRecord,
  mergeSuppliersRecord,
  splitPayeeRecord,
} from '../../services/records.js';
import { categorySpend, listUnmapped, secondLevelSpend } from '../../store/categories.js';
import type { Database } from '../../store/db.js';
import { listExclusionDecisions } from '../../store/exclusions.js';
import { getSupplier, listReviews, listSuppliers } from '../../store/suppliers.js';
import { signedIn } from '../access.js';
import { answer, noContent, numbered, refused } from './schemas.js';

const tags = ['Suppliers'];
const categoryTags = ['Categories'];
const bySupplier = numbered(supplierId, 'The supplier number');

export function suppliersApi(app: FastifyInstance, db: Database) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/suppliers',
    {
      schema: {
        tags,
        querystring: supplierQuery,
        response: {
          200: answer('Suppliers, largest spend first: names, bodies paying, spend'),
          422: refused.invalid,
        },
      },
    },
    async (request) => {
      const { page, perPage, ...filter } = request.query;
      return listSuppliers(db, filter, { page, perPage });
    },
  );

  api.get(
    '/api/v1/suppliers/:id',
    {
      schema: {
        tags,
        params: bySupplier,
        response: {
          200: answer('Its names (with why each is there), spend by body and year, largest payments'),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
    },
    async (request) => getSupplier(db, request.params.id),
  );

  api.post(
    '/api/v1/suppliers/:id/merge',
    {
      schema: {
        tags,
        params: bySupplier,
        body: supplierMerge,
        response: {
          200: answer('The merged supplier; the decision is kept through re-clustering'),
          404: refused.notFound,
          409: { ...refused.conflict, description: 'The two have different company, charity or VAT numbers' },
          422: refused.invalid,
        },
      },
    },
    async (request) => {
      await mergeSuppliersRecord(db, actorOf(signedIn(request)), request.params.id, request.body.into);
      return getSupplier(db, request.body.into);
    },
  );

  api.post(
    '/api/v1/suppliers/:id/split',
    {
      schema: {
        tags,
        params: bySupplier,
        body: supplierSplit,
        response: {
          204: noContent('The name is a supplier of its own'),
          404: refused.notFound,
          409: refused.conflict,
          422: refused.invalid,
        },
      },
    },
    async (request, reply) => {
      await splitPayeeRecord(db, actorOf(signedIn(request)), request.params.id, request.body.payeeId);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/v1/supplier-reviews',
    { schema: { tags, response: { 200: answer('Pairs of names to review, most alike first') } } },
    async () => ({ items: await listReviews(db) }),
  );

  api.post(
    '/api/v1/supplier-reviews',
    {
      schema: {
        tags,
        body: supplierDecision,
        response: {
          204: noContent('Decision kept'),
          404: refused.notFound,
          409: refused.conflict,
          422: refused.invalid,
        },
      },
    },
    async (request, reply) => {
      const { a, b, same } = request.body;
      await decideReviewRecord(db, actorOf(signedIn(request)), a, b, same);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/v1/categories',
    {
      schema: {
        tags: categoryTags,
        querystring: categoryQuery,
        response: {
          200: answer(
            'The taxonomy (ProClass top level), spend by category, and the largest ProClass second levels files give',
          ),
          422: refused.invalid,
        },
      },
    },
    async (request) => ({
      taxonomy: Object.entries(CATEGORIES).map(([code, label]) => ({ code, label })),
      spend: await categorySpend(db, { body: request.query.body }),
      secondLevels: await secondLevelSpend(db, { body: request.query.body }),
    }),
  );

  api.get(
    '/api/v1/categories/unmapped',
    {
      schema: {
        tags: categoryTags,
        querystring: categoryQuery,
        response: {
          200: answer('Expense types without a category, largest spend first'),
          422: refused.invalid,
        },
      },
    },
    async (request) => ({ items: await listUnmapped(db, { body: request.query.body }) }),
  );

  api.post(
    '/api/v1/categories/mappings',
    {
      schema: {
        tags: categoryTags,
        body: categoryChoice,
        response: { 204: noContent('Mapping confirmed'), 404: refused.notFound, 422: refused.invalid },
      },
    },
    async (request, reply) => {
      const { body, labelId, category } = request.body;
      await confirmCategoryRecord(db, actorOf(signedIn(request)), body, labelId, category);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/v1/addressable',
    {
      schema: {
        tags: categoryTags,
        querystring: exclusionQuery,
        response: {
          200: answer(
            'Payees and expense types left out of addressable spend (show=excluded) or counted in it, largest spend first, with who decided',
          ),
          422: refused.invalid,
        },
      },
    },
    async (request) => ({
      items: await listExclusionDecisions(db, {
        body: request.query.body,
        excluded: request.query.show === 'excluded',
      }),
    }),
  );

  api.post(
    '/api/v1/addressable',
    {
      schema: {
        tags: categoryTags,
        body: exclusionChoice,
        response: {
          204: noContent('Decision saved; the analysis recounted'),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
    },
    async (request, reply) => {
      const { subject, id, reason } = request.body;
      await confirmExclusionRecord(db, actorOf(signedIn(request)), subject, id, reason);
      return reply.status(204).send(null);
    },
  );
}
