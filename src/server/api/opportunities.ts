import type { FastifyInstance } from 'fastify';
import { findPartners, recentOpportunityReport } from '../../services/opportunities.js';
import type { Database } from '../../store/db.js';

export function opportunitiesApi(app: FastifyInstance, db: Database) {
  /** ?bodies=A,B,C or ?partnership=slug, &from=yyyy-mm&to=yyyy-mm, &assume=category=2-6 */
  app.get('/api/v1/opportunities', async (request) =>
    recentOpportunityReport(db, request.query as Record<string, string>),
  );

  app.get<{ Params: { code: string } }>('/api/v1/bodies/:code/partners', async (request) =>
    findPartners(db, request.params.code, request.query),
  );
}
