import { Feed } from 'feed';
import { type EditionSummary, editionTitle, type NewsItem, SECTIONS } from '../domain/news.js';

/**
 * Atom 1.0 feeds (RFC 4287) of news items and of published editions; ids are the records' addresses
 * on the site. The feed library writes titles and summaries as type="html", so what people typed
 * is escaped first: a tag in a summary reaches a feed reader as text, never as markup to run.
 */
const asText = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const feedOf = (base: string, path: string, title: string, updated: Date) =>
  new Feed({
    id: `${base}${path}`,
    title,
    link: `${base}${path.replace('.atom', '')}`,
    updated,
    feedLinks: { atom: `${base}${path}` },
    author: { name: 'Pathfinder' },
    copyright: 'Summaries by Pathfinder; articles belong to their publishers',
    generator: false,
  });

const dayOf = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00Z`);

export function newsFeed(base: string, items: NewsItem[]): string {
  const feed = feedOf(
    base,
    '/news.atom',
    'Collaboration and shared services news',
    latest(items.map((i) => i.publishedOn)),
  );
  for (const i of items) {
    feed.addItem({
      id: `${base}/news/${i.id}`,
      title: asText(i.headline),
      link: i.url,
      date: dayOf(i.publishedOn),
      description: asText(i.summary),
      author: [{ name: i.source }],
      category: [{ name: SECTIONS[i.section], term: i.section }],
    });
  }
  return feed.atom1();
}

export function editionsFeed(base: string, editions: (EditionSummary & { publishedAt: string })[]): string {
  const feed = feedOf(
    base,
    '/editions.atom',
    'News Summary of Collaboration and Shared Services',
    latest(editions.map((e) => e.publishedAt)),
  );
  for (const e of editions) {
    feed.addItem({
      id: `${base}/editions/${e.id}`,
      title: editionTitle(e.weekOf),
      link: `${base}/editions/${e.id}`,
      date: new Date(e.publishedAt),
      description: `${e.items} items on collaboration and shared services, week of ${e.weekOf}.`,
    });
  }
  return feed.atom1();
}

function latest(dates: string[]): Date {
  const newest = dates.reduce((a, b) => (b > a ? b : a), '1970-01-01');
  return newest.length === 10 ? dayOf(newest) : new Date(newest);
}
