import { editionInput, newsItemInput } from '../domain/news.js';
import { parseInput } from '../domain/validation.js';
import type { Sql } from '../store/db.js';
import { publishEdition, saveEdition, saveNewsItem } from '../store/news.js';
import demo from './news.json' with { type: 'json' };

/**
 * Demo news items and published editions of the weekly summary, with the facts of the collaboration
 * news the project started from in our own words, linked to the demo register. The articles'
 * addresses are not kept in that news, so "Read more" searches for each one's original headline.
 */
export async function seedDemoNews(sql: Sql): Promise<void> {
  const ids = new Map<string, number>();
  for (const { key, ...item } of demo.items) {
    ids.set(key, await saveNewsItem(sql, parseInput(newsItemInput, item, `demo news item ${key}`)));
  }
  for (const e of demo.editions) {
    const input = parseInput(
      editionInput,
      { weekOf: e.weekOf, introduction: e.introduction, itemIds: e.items.map((k) => ids.get(k)) },
      `demo edition ${e.weekOf}`,
    );
    const id = await saveEdition(sql, input);
    await publishEdition(sql, id);
    // Published in the week it covers, as the summary was.
    await sql.query('UPDATE editions SET published_at = $2::date WHERE id = $1', [id, e.weekOf]);
  }
}
