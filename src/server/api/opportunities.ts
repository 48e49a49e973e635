import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  findPartners,
  opportunityFields,
  partnerQuery,
  recentOpportunityReport,
} from '../../services/opportunities.js';
import type { Database } from '../../store/db.js';
import { answer, byCode, refused } from './schemas.js';

const tags = ['Opportunities'];

export function opportunitiesApi(app: FastifyInstance, db: Database) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  /** ?bodies=A,B,C or ?partnership=slug, &from=yyyy-mm&to=yyyy-mm, &assume=category=2-6 */
  api.get(
    '/api/v1/opportunities',
    {
      schema: {
        tags,
        querystring: opportunityFields,
        response: {
          200: answer(
            'Combined spend by body, category and year; shared suppliers; category markets (suppliers, top share, HHI); ranked opportunities with savings ranges; pairwise overlap',
          ),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
    },
    async (request) => recentOpportunityReport(db, request.query),
  );

  api.get(
    '/api/v1/bodies/:code/partners',
    {
      schema: {
        tags,
        params: byCode,
        querystring: partnerQuery,
        response: {
          200: answer(
            'Other bodies, neighbours first, by how much of their spend overlaps (weighted Jaccard)',
          ),
          404: refused.notFound,
          422: refused.invalid,
        },
      },
    },
    async (request) => findPartners(db, request.params.code, request.query),
  );
}
