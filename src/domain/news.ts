import { z } from 'zod';
import { bodyCode } from './bodies.js';
import { oneOf } from './codes.js';
import { isoDate } from './dates.js';
import { slug } from './partnerships.js';
import { SERVICES } from './services.js';

/** The weekly summary's sections, in the order an edition shows them. */
export const SECTIONS = {
  local_government: 'Local Government',
  blue_light: 'Blue Light',
  health: 'Health',
  wales: 'Wales',
  scotland: 'Scotland',
  northern_ireland: 'Northern Ireland',
  international: 'International',
  funding: 'Funding',
} as const;
export type Section = keyof typeof SECTIONS;

const text = (max: number) => z.string().trim().max(max);

/**
 * A news item. Its summary is plain text: whatever is typed, tags included, is shown as typed and
 * never run. Its link must be a web address, never javascript: or data:.
 */
export const newsItemInput = z.object({
  headline: text(200).min(5, { message: 'Enter the headline' }),
  source: text(120).min(2, { message: 'Enter who published it, like BBC News' }),
  url: z
    .url({ protocol: /^https?$/, message: 'Enter a web address starting with http:// or https://' })
    .max(2000),
  publishedOn: isoDate,
  summary: text(3000).min(10, { message: 'Enter a summary of a sentence or two' }),
  section: oneOf(SECTIONS, 'Choose the section'),
  bodyCodes: z.array(bodyCode).default([]),
  partnershipSlugs: z.array(slug).default([]),
  services: z.array(oneOf(SERVICES, 'Choose services from the list')).default([]),
});
export type NewsItemInput = z.output<typeof newsItemInput>;

export interface NewsItem extends NewsItemInput {
  id: number;
  bodies: { code: string; name: string }[];
  partnerships: { slug: string; name: string }[];
}

export const editionInput = z.object({
  weekOf: isoDate,
  introduction: text(10_000).min(10, { message: 'Write the editor’s introduction' }),
  itemIds: z.array(z.number().int().positive()).min(1, { message: 'Choose the items for this edition' }),
});
export type EditionInput = z.output<typeof editionInput>;

export interface Edition {
  id: number;
  weekOf: string;
  introduction: string;
  publishedAt?: string;
  /** The items grouped by section, sections in their fixed order, only those with items. */
  sections: { section: Section; items: NewsItem[] }[];
}

/** A stored item in the shape newsItemInput accepts, for its edit form and its history. */
export function newsItemToInput(i: NewsItem): NewsItemInput {
  const { headline, source, url, publishedOn, summary, section, bodyCodes, partnershipSlugs, services } = i;
  return { headline, source, url, publishedOn, summary, section, bodyCodes, partnershipSlugs, services };
}

/** Items into the edition's sections, in the fixed section order, keeping the items' own order. */
export function bySection(items: NewsItem[]): Edition['sections'] {
  return (Object.keys(SECTIONS) as Section[])
    .map((section) => ({ section, items: items.filter((i) => i.section === section) }))
    .filter((s) => s.items.length > 0);
}

/** "News Summary of Collaboration and Shared Services, 24 February 2015" */
export function editionTitle(weekOf: string): string {
  const date = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `News Summary of Collaboration and Shared Services, ${date.format(new Date(weekOf))}`;
}

/** An edition as plain text, for the e-mail's text part: sections in capitals, each item with its link. */
export function editionAsText(edition: Edition, links: { web: string; unsubscribe: string }): string {
  const date = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return [
    editionTitle(edition.weekOf),
    '',
    edition.introduction,
    ...edition.sections.flatMap((s) => [
      '',
      SECTIONS[s.section].toUpperCase(),
      ...s.items.flatMap((i) => [
        '',
        i.headline,
        i.summary,
        `${i.source}, ${date.format(new Date(i.publishedOn))}. Read more: ${i.url}`,
      ]),
    ]),
    '',
    '--',
    `Read it on the web: ${links.web}`,
    `Unsubscribe: ${links.unsubscribe}`,
  ].join('\n');
}

/** An edition of the news summary as listed: its week, when it went out, how many items. */
export interface EditionSummary {
  id: number;
  weekOf: string;
  publishedAt?: string;
  items: number;
}
