import { registerDocument } from '../domain/register.js';
import { parseInput } from '../domain/validation.js';
import type { Sql } from '../store/db.js';
import { savePriceSeries } from '../store/price-indices.js';
import { importRegister } from '../store/register.js';
import { seedDemoNews } from './news.js';
import demo from './register.json' with { type: 'json' };
// The ONS consumer prices index (D7BT) as src/ingest/price-index.ts reads it, for savings in one year's prices.
import prices from './price-index.json' with { type: 'json' };

/**
 * The demo register: bodies and partnerships from real collaboration news (2002–2015),
 * with their facts and our own wording, and the weekly news summary's editions about them. Loaded
 * on first start so there is something to explore.
 */
export async function seedDemo(sql: Sql): Promise<boolean> {
  const [{ count } = { count: 0 }] = await sql.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM bodies',
  );
  if (count > 0) return false;
  await importRegister(sql, parseInput(registerDocument, demo, 'demo register'));
  await seedDemoNews(sql);
  await savePriceSeries(sql, prices, prices.fileName);
  return true;
}
