import type { FastifyInstance } from 'fastify';
import { CATEGORIES } from '../../domain/categories.js';
import { parseInput } from '../../domain/validation.js';
import { actorOf } from '../../services/accounts.js';
import {
  confirmCategoryRecord,
  decideReviewRecord,
  mergeSuppliersRecord,
  splitPayeeRecord,
} from '../../services/records.js';
import { categorySpend, listUnmapped } from '../../store/categories.js';
import type { Database } from '../../store/db.js';
import { getSupplier, listReviews, listSuppliers } from '../../store/suppliers.js';
import {
  categoryChoice,
  categoryQuery,
  supplierDecision,
  supplierId,
  supplierMerge,
  supplierQuery,
  supplierSplit,
} from '../../domain/queries.js';

type ById = { Params: { id: string } };

export function suppliersApi(app: FastifyInstance, db: Database) {
  app.get('/api/v1/suppliers', async (request) => {
    const { page, perPage, ...filter } = parseInput(supplierQuery, request.query, 'query');
    return listSuppliers(db, filter, { page, perPage });
  });

  app.get<ById>('/api/v1/suppliers/:id', async (request) =>
    getSupplier(db, parseInput(supplierId, request.params.id, 'supplier number')),
  );

  app.post<ById>('/api/v1/suppliers/:id/merge', async (request) => {
    const id = parseInput(supplierId, request.params.id, 'supplier number');
    const { into } = parseInput(supplierMerge, request.body, 'merge');
    await mergeSuppliersRecord(db, actorOf(request.viewer!), id, into);
    return getSupplier(db, into);
  });

  app.post<ById>('/api/v1/suppliers/:id/split', async (request, reply) => {
    const id = parseInput(supplierId, request.params.id, 'supplier number');
    const { payeeId } = parseInput(supplierSplit, request.body, 'split');
    await splitPayeeRecord(db, actorOf(request.viewer!), id, payeeId);
    return reply.status(204).send();
  });

  app.get('/api/v1/supplier-reviews', async () => ({ items: await listReviews(db) }));

  app.post('/api/v1/supplier-reviews', async (request, reply) => {
    const { a, b, same } = parseInput(supplierDecision, request.body, 'decision');
    await decideReviewRecord(db, actorOf(request.viewer!), a, b, same);
    return reply.status(204).send();
  });

  app.get('/api/v1/categories', async (request) => {
    const { body } = parseInput(categoryQuery, request.query, 'query');
    return {
      taxonomy: Object.entries(CATEGORIES).map(([code, label]) => ({ code, label })),
      spend: await categorySpend(db, { body }),
    };
  });

  app.get('/api/v1/categories/unmapped', async (request) => {
    const { body } = parseInput(categoryQuery, request.query, 'query');
    return { items: await listUnmapped(db, { body }) };
  });

  app.post('/api/v1/categories/mappings', async (request, reply) => {
    const { body, labelId, category } = parseInput(categoryChoice, request.body, 'mapping');
    await confirmCategoryRecord(db, actorOf(request.viewer!), body, labelId, category);
    return reply.status(204).send();
  });
}
