import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SECTIONS } from '../../domain/news.js';
import { parseInput } from '../../domain/validation.js';
import type { Database } from '../../store/db.js';
import { listNewsItems } from '../../store/news.js';

const newsQuery = z.object({
  section: z.enum(Object.keys(SECTIONS)).optional(),
  body: z.string().max(12).optional(),
  partnership: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function newsApi(app: FastifyInstance, db: Database) {
  app.get('/api/v1/news', async (request) => ({
    items: await listNewsItems(db, parseInput(newsQuery, request.query, 'query')),
  }));
}
