import { type ReportedSaving, savingsInTheNews } from '../../services/benefits.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { canPublishNews } from '../../domain/access.js';
import { NotFoundError } from '../../domain/errors.js';
import { findMentions, findServices, savingsFigures } from '../../domain/mentions.js';
import { type Service, SERVICES as SERVICE_LABELS } from '../../domain/services.js';
import { editionInput, editionTitle, newsItemInput, newsItemToInput, SECTIONS } from '../../domain/news.js';
import { parseInput } from '../../domain/validation.js';
import { editionsFeed, newsFeed } from '../../export/atom.js';
import { type AccountMail, actorOf } from '../../services/accounts.js';
import {
  claimSavingsFromNews,
  publishEditionRecord,
  saveEditionRecord,
  saveNewsItemRecord,
} from '../../services/records.js';
import type { Database } from '../../store/db.js';
import {
  claimsSourcedFrom,
  getEdition,
  getNewsItem,
  listEditions,
  listNewsItems,
  mentionables,
} from '../../store/news.js';
import { deliveryCounts, subscriberCounts } from '../../store/subscribers.js';
import { checkPartnershipAccess, signedIn } from '../access.js';
import { page } from '../page.js';
import { type Form, formErrors, newsItemFromForm, newsItemToForm, problemsOf } from '../forms.js';
import { changesTo } from './audit.js';
import { flash } from './paging.js';

type ById = { Params: { id: string } };
const itemId = z.coerce.number().int().positive();
const listQuery = z.object({
  section: z.preprocess((v) => v || undefined, z.enum(Object.keys(SECTIONS)).optional()),
});
const savingsChoice = z.object({
  partnership: z.string().min(1, { message: 'Choose the partnership the saving belongs to' }),
  amountPence: z.coerce.number().int().positive(),
});

export function newsPages(app: FastifyInstance, db: Database, mail: AccountMail) {
  const base = mail.baseUrl.replace(/\/$/, '');

  app.get('/news', async (request, reply) => {
    const { section } = parseInput(listQuery, request.query, 'filter');
    return page(reply, 'news/list.njk', {
      title: 'Collaboration news',
      section: 'news',
      flash: flash(request.query),
      filter: { section },
      items: await listNewsItems(db, { section }),
    });
  });

  app.get('/news.atom', async (_request, reply) =>
    reply
      .type('application/atom+xml; charset=utf-8')
      .send(newsFeed(base, await listNewsItems(db, { limit: 50 }))),
  );

  const namesSomething = async (text: string) => {
    const named = await mentionables(db);
    return (
      findMentions(text, named.bodies).length > 0 ||
      findMentions(text, named.partnerships).length > 0 ||
      findServices(text).length > 0
    );
  };

  /**
   * The item form. "Find mentions" (no JavaScript needed) reads the headline and summary for the
   * bodies and partnerships they name and ticks them, keeping what the editor ticked already.
   */
  const itemForm = async (reply: FastifyReply, values: Form, context: Record<string, unknown>) => {
    const named = await mentionables(db);
    const text = `${values.headline ?? ''} ${values.summary ?? ''}`;
    const chosen = newsItemFromForm(values);
    const suggest = values.step === 'suggest';
    const bodyCodes = [
      ...new Set([...chosen.bodyCodes, ...(suggest ? findMentions(text, named.bodies) : [])]),
    ];
    const slugs = [
      ...new Set([...chosen.partnershipSlugs, ...(suggest ? findMentions(text, named.partnerships) : [])]),
    ];
    const services = [...new Set([...chosen.services, ...(suggest ? findServices(text) : [])])];
    const option = (list: { key: string; name: string }[], keys: string[]) =>
      list.filter((n) => keys.includes(n.key)).map((n) => ({ value: n.key, text: n.name, checked: true }));
    return page(reply, 'news/form.njk', {
      section: 'news',
      breadcrumbs: [{ text: 'Collaboration news', href: '/news' }],
      values,
      bodyOptions: option(named.bodies, bodyCodes),
      partnershipOptions: [
        ...option(named.partnerships, slugs),
        ...named.partnerships
          .filter((p) => !slugs.includes(p.key))
          .map((p) => ({ value: p.key, text: p.name, checked: false })),
      ],
      serviceOptions: Object.entries(SERVICE_LABELS).map(([value, label]) => ({
        value,
        text: label,
        checked: services.includes(value as Service),
      })),
      savings: savingsFigures(text),
      errors: {},
      ...context,
    });
  };

  const saveItem = async (
    reply: FastifyReply,
    values: Form,
    target: { id?: number; title: string; action: string },
  ) => {
    if (values.step === 'suggest') return itemForm(reply, values, target);
    try {
      const input = parseInput(newsItemInput, newsItemFromForm(values), 'news item');
      // Saved with no links, an item whose text names something is shown once more with them ticked.
      const unlinked = !input.bodyCodes.length && !input.partnershipSlugs.length && !input.services.length;
      if (
        unlinked &&
        values.suggested !== 'yes' &&
        (await namesSomething(`${input.headline} ${input.summary}`))
      )
        return itemForm(reply, { ...values, step: 'suggest' }, { ...target, suggestedOnSave: true });
      const id = await saveNewsItemRecord(db, actorOf(signedIn(reply.request)), input, target.id);
      return reply.redirect(`/news/${id}?done=news-saved`, 303);
    } catch (error) {
      const problems = problemsOf(error, 'headline');
      if (!problems) throw error;
      return itemForm(reply.status(422), values, { ...target, ...formErrors(problems) });
    }
  };

  app.get('/news/new', (_request, reply) =>
    itemForm(reply, { section: 'local_government' }, { title: 'Add a news item', action: '/news/new' }),
  );
  app.post('/news/new', (request, reply) =>
    saveItem(reply, request.body as Form, { title: 'Add a news item', action: '/news/new' }),
  );

  app.get<ById>('/news/:id', async (request, reply) => {
    const item = await getNewsItem(db, parseInput(itemId, request.params.id, 'news item number'));
    return page(reply, 'news/show.njk', {
      title: item.headline,
      section: 'news',
      breadcrumbs: [{ text: 'Collaboration news', href: '/news' }],
      flash: flash(request.query),
      item,
      savings: savingsFigures(`${item.headline} ${item.summary}`),
      claims: await claimsSourcedFrom(db, item.url),
      reported: await savingsInTheNews(db, [item.id]),
      changes: await changesTo(db, request.viewer, {
        recordType: 'news_item',
        recordKey: String(item.id),
      }),
    });
  });

  app.get<ById>('/news/:id/edit', async (request, reply) => {
    const item = await getNewsItem(db, parseInput(itemId, request.params.id, 'news item number'));
    return itemForm(reply, newsItemToForm(newsItemToInput(item)), {
      title: `Edit ${item.headline}`,
      action: `/news/${item.id}/edit`,
    });
  });
  app.post<ById>('/news/:id/edit', async (request, reply) => {
    const id = parseInput(itemId, request.params.id, 'news item number');
    return saveItem(reply, request.body as Form, { id, title: 'Edit news item', action: `/news/${id}/edit` });
  });

  app.post<ById>('/news/:id/savings', async (request, reply) => {
    const id = parseInput(itemId, request.params.id, 'news item number');
    const { partnership, amountPence } = parseInput(savingsChoice, request.body, 'saving');
    await checkPartnershipAccess(db, request.viewer, 'edit', 'slug', partnership);
    await claimSavingsFromNews(db, actorOf(signedIn(request)), id, partnership, amountPence);
    return reply.redirect(`/partnerships/${partnership}?done=saving-claimed`, 303);
  });

  app.get('/editions', async (request, reply) => {
    const newsroom = canPublishNews(request.viewer);
    return page(reply, 'news/editions.njk', {
      title: 'News Summary of Collaboration and Shared Services',
      section: 'news',
      flash: flash(request.query),
      editions: await listEditions(db, newsroom),
      subscribers: newsroom ? await subscriberCounts(db) : undefined,
    });
  });

  app.get('/editions.atom', async (_request, reply) =>
    reply
      .type('application/atom+xml; charset=utf-8')
      .send(editionsFeed(base, (await listEditions(db)) as Parameters<typeof editionsFeed>[1])),
  );

  /** The form for a new edition, or for draft `id`; its items are those in no other edition. */
  const editionForm = async (
    reply: FastifyReply,
    values: Form,
    context: Record<string, unknown> & { id?: number },
  ) =>
    page(reply, 'news/edition-form.njk', {
      title: context.id ? 'Change the draft edition' : 'Compose an edition',
      section: 'news',
      breadcrumbs: [{ text: 'News Summary', href: '/editions' }],
      action: context.id ? `/editions/${context.id}/edit` : '/editions/new',
      values,
      items: await listNewsItems(db, { availableTo: context.id ?? 0, limit: 200 }),
      errors: {},
      ...context,
    });

  const saveEditionForm = async (reply: FastifyReply, values: Form, id?: number) => {
    try {
      const input = parseInput(
        editionInput,
        {
          weekOf: values.weekOf,
          introduction: values.introduction,
          itemIds: [values.itemIds ?? []].flat().map(Number),
        },
        'edition',
      );
      const saved = await saveEditionRecord(db, actorOf(signedIn(reply.request)), input, id);
      return reply.redirect(`/editions/${saved}`, 303);
    } catch (error) {
      const problems = problemsOf(error, 'weekOf');
      if (!problems) throw error;
      return editionForm(reply.status(422), values, { id, ...formErrors(problems) });
    }
  };

  app.get('/editions/new', (_request, reply) => editionForm(reply, {}, {}));
  app.post('/editions/new', (request, reply) => saveEditionForm(reply, request.body as Form));

  app.get<ById>('/editions/:id/edit', async (request, reply) => {
    const edition = await getEdition(db, parseInput(itemId, request.params.id, 'edition number'));
    return editionForm(
      reply,
      {
        weekOf: edition.weekOf,
        introduction: edition.introduction,
        itemIds: edition.sections.flatMap((s) => s.items.map((i) => String(i.id))),
      },
      { id: edition.id },
    );
  });
  app.post<ById>('/editions/:id/edit', (request, reply) =>
    saveEditionForm(reply, request.body as Form, parseInput(itemId, request.params.id, 'edition number')),
  );

  app.get<ById>('/editions/:id', async (request, reply) => {
    const edition = await getEdition(db, parseInput(itemId, request.params.id, 'edition number'));
    const newsroom = canPublishNews(request.viewer);
    // A draft is the newsroom's until it is published.
    if (!edition.publishedAt && !newsroom) throw new NotFoundError(`No edition has the number ${edition.id}`);
    return page(reply, 'news/edition.njk', {
      title: editionTitle(edition.weekOf),
      section: 'news',
      breadcrumbs: [{ text: 'News Summary', href: '/editions' }],
      flash: flash(request.query),
      edition,
      newsroom,
      reportedBy: byNewsItem(
        await savingsInTheNews(
          db,
          edition.sections.flatMap((x) => x.items.map((i) => i.id)),
        ),
      ),
      deliveries: newsroom && edition.publishedAt ? await deliveryCounts(db, edition.id) : undefined,
    });
  });

  app.post<ById>('/editions/:id/publish', async (request, reply) => {
    const id = parseInput(itemId, request.params.id, 'edition number');
    await publishEditionRecord(db, actorOf(signedIn(request)), id);
    return reply.redirect(`/editions/${id}?done=edition-published`, 303);
  });
}

/** Realised savings by the news item reporting them. */
function byNewsItem(savings: ReportedSaving[]): Record<number, ReportedSaving[]> {
  const by: Record<number, ReportedSaving[]> = {};
  for (const r of savings) (by[r.newsItemId] ??= []).push(r);
  return by;
}
