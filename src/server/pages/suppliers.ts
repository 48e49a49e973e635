import { signedIn } from '../access.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { EXCLUSION_REASONS } from '../../domain/addressable.js';
import { CATEGORIES } from '../../domain/categories.js';
import { ConflictError, InputError } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
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
import { bodiesWithSpend } from '../../store/bodies.js';
import { hasSyntheticSpend } from '../../store/spend.js';
import { getSupplier, listReviews, listSuppliers } from '../../store/suppliers.js';
import { page } from '../page.js';
import { changesTo } from './audit.js';
import { formErrors } from '../forms.js';
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
import { flash, pagination } from './paging.js';

type ById = { Params: { id: string } };

export function supplierPages(app: FastifyInstance, db: Database) {
  app.get('/suppliers', async (request, reply) => {
    const { page: n, perPage, ...filter } = parseInput(supplierQuery, request.query, 'filter');
    const result = await listSuppliers(db, filter, { page: n, perPage });
    return page(reply, 'suppliers/list.njk', {
      title: 'Suppliers',
      synthetic: await hasSyntheticSpend(db),
      section: 'suppliers',
      flash: flash(request.query),
      filter,
      result,
      reviews: (await listReviews(db, 1)).length,
      pagination: pagination('/suppliers', request.query as Record<string, unknown>, result),
    });
  });

  app.get('/suppliers/review', async (request, reply) =>
    page(reply, 'suppliers/review.njk', {
      title: 'Supplier names to review',
      synthetic: await hasSyntheticSpend(db),
      section: 'suppliers',
      breadcrumbs: [{ text: 'Suppliers', href: '/suppliers' }],
      flash: flash(request.query),
      pairs: await listReviews(db),
    }),
  );

  app.post('/suppliers/review', async (request, reply) => {
    const { a, b, same } = parseInput(supplierDecision, request.body, 'decision');
    await decideReviewRecord(db, actorOf(signedIn(request)), a, b, same);
    return reply.redirect('/suppliers/review?done=review-decided', 303);
  });

  const showSupplier = async (reply: FastifyReply, id: number, context: Record<string, unknown>) => {
    const supplier = await getSupplier(db, id);
    return page(reply, 'suppliers/show.njk', {
      title: supplier.name,
      synthetic: await hasSyntheticSpend(db),
      section: 'suppliers',
      breadcrumbs: [{ text: 'Suppliers', href: '/suppliers' }],
      supplier,
      bodyNames: Object.fromEntries(supplier.spend.map((s) => [s.bodyCode, s.bodyName])),
      changes: await changesTo(db, reply.request.viewer, {
        recordType: 'supplier',
        recordKey: String(id),
      }),
      errors: {},
      values: {},
      ...context,
    });
  };

  app.get<ById>('/suppliers/:id', async (request, reply) =>
    showSupplier(reply, parseInput(supplierId, request.params.id, 'supplier number'), {
      flash: flash(request.query),
    }),
  );

  app.post<ById>('/suppliers/:id/merge', async (request, reply) => {
    const id = parseInput(supplierId, request.params.id, 'supplier number');
    try {
      const { into } = parseInput(supplierMerge, request.body, 'merge');
      await mergeSuppliersRecord(db, actorOf(signedIn(request)), id, into);
      return reply.redirect(`/suppliers/${into}?done=suppliers-merged`, 303);
    } catch (error) {
      if (!(error instanceof InputError || error instanceof ConflictError)) throw error;
      const message =
        error instanceof InputError ? (error.problems[0]?.message ?? error.message) : error.message;
      return showSupplier(reply.status(422), id, {
        values: request.body,
        ...formErrors([{ field: 'into', message }]),
      });
    }
  });

  app.post<ById>('/suppliers/:id/split', async (request, reply) => {
    const id = parseInput(supplierId, request.params.id, 'supplier number');
    const { payeeId } = parseInput(supplierSplit, request.body, 'split');
    await splitPayeeRecord(db, actorOf(signedIn(request)), id, payeeId);
    return reply.redirect(`/suppliers/${id}?done=supplier-split`, 303);
  });

  app.get('/categories', async (request, reply) => {
    const { body } = parseInput(categoryQuery, request.query, 'filter');
    return page(reply, 'suppliers/categories.njk', {
      title: 'Spend categories',
      synthetic: await hasSyntheticSpend(db),
      section: 'categories',
      flash: flash(request.query),
      body,
      spend: await categorySpend(db, { body }),
      secondLevels: await secondLevelSpend(db, { body }),
      unmapped: await listUnmapped(db, { body }),
      categories: CATEGORIES,
    });
  });

  app.post('/categories', async (request, reply) => {
    const { body, labelId, category } = parseInput(categoryChoice, request.body, 'mapping');
    await confirmCategoryRecord(db, actorOf(signedIn(request)), body, labelId, category);
    return reply.redirect('/categories?done=category-confirmed', 303);
  });

  app.get('/addressable', async (request, reply) => {
    const { body, show } = parseInput(exclusionQuery, request.query, 'filter');
    const bodies = await bodiesWithSpend(db);
    return page(reply, 'suppliers/addressable.njk', {
      title: 'What counts as addressable spend',
      bodies: Object.fromEntries(bodies.map((b) => [b.code, b.name])),
      section: 'categories',
      flash: flash(request.query),
      body,
      show,
      decisions: await listExclusionDecisions(db, { body, excluded: show === 'excluded' }),
      reasons: EXCLUSION_REASONS,
    });
  });

  app.post('/addressable', async (request, reply) => {
    const { subject, id, reason } = parseInput(exclusionChoice, request.body, 'decision');
    const { body, show } = parseInput(exclusionQuery, request.body, 'filter');
    await confirmExclusionRecord(db, actorOf(signedIn(request)), subject, id, reason);
    const back = new URLSearchParams({ done: 'exclusion-confirmed', show, ...(body && { body }) });
    return reply.redirect(`/addressable?${back}`, 303);
  });
}
