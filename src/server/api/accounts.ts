import { auditReader } from '../../domain/access.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RECORD_TYPES } from '../../domain/audit.js';
import { oneOf } from '../../domain/codes.js';
import { parseInput } from '../../domain/validation.js';
import { listChanges } from '../../store/audit.js';
import type { Database } from '../../store/db.js';

const auditQuery = z.object({
  recordType: oneOf(RECORD_TYPES, 'Unknown kind of record').optional(),
  recordKey: z.string().max(100).optional(),
  partnership: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(200),
});

export function accountsApi(app: FastifyInstance, db: Database) {
  /** Who the token or session belongs to, and what it may do: a script's first check. */
  app.get('/api/v1/me', async (request) => {
    const { id, email, name, bodyCode, role, siteAdmin, via, scopes } = request.viewer!;
    return { id, email, name, bodyCode, role, siteAdmin, via, scopes };
  });

  app.get('/api/v1/audit', async (request) => {
    const { partnership, ...filter } = parseInput(auditQuery, request.query, 'query');
    return {
      items: await listChanges(db, auditReader(request.viewer), { ...filter, partnershipSlug: partnership }),
    };
  });
}
