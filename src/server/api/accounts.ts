import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditReader } from '../../domain/access.js';
import { RECORD_TYPES } from '../../domain/audit.js';
import { oneOf } from '../../domain/codes.js';
import { listChanges } from '../../store/audit.js';
import type { Database } from '../../store/db.js';
import { signedIn } from '../access.js';
import { answer, refused } from './schemas.js';

const auditQuery = z.object({
  recordType: oneOf(RECORD_TYPES, 'Unknown kind of record').optional(),
  recordKey: z.string().max(100).optional(),
  partnership: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(200),
});
const tags = ['API'];
export function accountsApi(app: FastifyInstance, db: Database) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  /** Who the token or session belongs to, and what it may do: a script's first check. */
  api.get(
    '/api/v1/me',
    {
      schema: {
        tags,
        response: {
          200: answer('The account the token belongs to, its body, role and scopes'),
          403: refused.forbidden,
        },
      },
    },
    async (request) => {
      const { id, email, name, bodyCode, role, siteAdmin, via, scopes } = signedIn(request);
      return { id, email, name, bodyCode, role, siteAdmin, via, scopes };
    },
  );

  api.get(
    '/api/v1/audit',
    {
      schema: {
        tags,
        querystring: auditQuery,
        response: {
          200: answer('Changes you may read, newest first: who, when, what, the record before and after'),
          403: refused.forbidden,
          422: refused.invalid,
        },
      },
    },
    async (request) => {
      const { partnership, ...filter } = request.query;
      return {
        items: await listChanges(db, auditReader(request.viewer), {
          ...filter,
          partnershipSlug: partnership,
        }),
      };
    },
  );
}
