import type { FastifyInstance } from 'fastify';
import { membership } from '../../domain/access.js';
import { benefitsReports, benefitsTotals } from '../../services/benefits.js';
import { dashboard } from '../../store/dashboard.js';
import type { Database } from '../../store/db.js';
import { hasSyntheticSpend } from '../../store/spend.js';
import { page } from '../page.js';
import { flash } from './paging.js';

export function dashboardPages(app: FastifyInstance, db: Database) {
  app.get('/', async (request, reply) =>
    page(reply, 'dashboard.njk', {
      title: 'Dashboard',
      section: 'dashboard',
      flash: flash(request.query),
      synthetic: await hasSyntheticSpend(db),
      benefits: benefitsTotals(await benefitsReports(db, membership(request.viewer), {})),
      ...(await dashboard(db, membership(request.viewer))),
    }),
  );
}
