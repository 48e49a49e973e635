import type { FastifyReply } from 'fastify';
import { page } from './page.js';

/** What a confirmation page shows before a destructive action. */
export interface Confirmation {
  /** The question, naming the record: "Delete the partnership AGMA?". */
  title: string;
  caption?: string;
  section: string;
  breadcrumbs: { text: string; href: string }[];
  /** Facts about the record, as summary list rows. */
  facts: { key: string; value: string }[];
  /** What goes with it, in a sentence or two. */
  warning: string;
  /** The form's address: the same route, posted. */
  action: string;
  button: string;
  cancelHref: string;
  /** The action cannot be taken now (the warning says why): the page offers only the way back. */
  blocked?: boolean;
}

/**
 * Sends the page that asks before a destructive action. Every destructive route is a GET that asks
 * and a POST that acts, so that the action works without JavaScript and one click never destroys.
 */
export function confirmPage(reply: FastifyReply, confirmation: Confirmation) {
  return page(reply, 'confirm.njk', {
    ...confirmation,
    facts: confirmation.facts.map((f) => ({ key: { text: f.key }, value: { text: f.value } })),
  });
}
