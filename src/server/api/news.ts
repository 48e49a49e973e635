import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SECTIONS } from '../../domain/news.js';
import type { Database } from '../../store/db.js';
import { listNewsItems } from '../../store/news.js';
import { answer, refused } from './schemas.js';

const newsQuery = z.object({
  section: z.enum(Object.keys(SECTIONS)).optional(),
  body: z.string().max(12).optional().describe('Items about this body (its code)'),
  partnership: z.string().max(80).optional().describe('Items about this partnership'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function newsApi(app: FastifyInstance, db: Database) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/news',
    {
      schema: {
        tags: ['News'],
        querystring: newsQuery,
        response: {
          200: answer('News items, newest first, with the bodies and partnerships they mention'),
          422: refused.invalid,
        },
      },
    },
    async (request) => ({ items: await listNewsItems(db, request.query) }),
  );
}
