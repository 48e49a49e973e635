import type { FastifyInstance, FastifyReply } from 'fastify';
import { email, linkSecret } from '../../domain/access.js';
import type { AccountMail } from '../../services/accounts.js';
import {
  confirm,
  confirmationIsLive,
  stopSubscription,
  subscribe,
  unsubscribeIsKnown,
} from '../../services/newsletter.js';
import type { Database } from '../../store/db.js';
import { type Form, formErrors } from '../forms.js';
import { page } from '../page.js';

/** Subscribing to the News Summary by email, confirming, and unsubscribing: open to anyone. */
export function subscriptionPages(app: FastifyInstance, db: Database, mail: AccountMail) {
  app.get('/subscribe', (_request, reply) =>
    page(reply, 'news/subscribe.njk', {
      title: 'Get the News Summary by email',
      section: 'news',
      values: {},
      errors: {},
    }),
  );

  app.post(
    '/subscribe',
    { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const values = request.body as Form;
      const address = email.safeParse(values.email);
      if (!address.success) {
        return page(reply.status(422), 'news/subscribe.njk', {
          title: 'Get the News Summary by email',
          section: 'news',
          values,
          ...formErrors([
            { field: 'email', message: address.error.issues[0]?.message ?? 'Enter an email address' },
          ]),
        });
      }
      await subscribe(db, address.data, mail);
      return page(reply, 'news/check-email.njk', {
        title: 'Check your email',
        section: 'news',
        email: address.data,
      });
    },
  );

  const linkPage = (reply: FastifyReply, template: string, context: Record<string, unknown>) =>
    page(reply, `news/${template}.njk`, { section: 'news', ...context });
  const expired = (reply: FastifyReply) =>
    linkPage(reply.status(410), 'link-expired', { title: 'This link has expired' });

  // Confirming is a button, not the link itself: mail scanners open links, and must not subscribe anyone.
  app.get<{ Params: { secret: string } }>('/subscribe/confirm/:secret', async (request, reply) => {
    const s = linkSecret.safeParse(request.params.secret);
    if (!s.success || !(await confirmationIsLive(db, s.data))) return expired(reply);
    return linkPage(reply, 'confirm', { title: 'Confirm your subscription', secret: s.data });
  });
  app.post<{ Params: { secret: string } }>('/subscribe/confirm/:secret', async (request, reply) => {
    const s = linkSecret.safeParse(request.params.secret);
    if (!s.success || !(await confirm(db, s.data))) return expired(reply);
    return linkPage(reply, 'subscribed', { title: 'You are subscribed' });
  });

  app.get<{ Params: { token: string } }>('/unsubscribe/:token', async (request, reply) => {
    const s = linkSecret.safeParse(request.params.token);
    if (!s.success || !(await unsubscribeIsKnown(db, s.data))) return expired(reply);
    return linkPage(reply, 'unsubscribe', { title: 'Unsubscribe', token: s.data });
  });
  app.post<{ Params: { token: string } }>('/unsubscribe/:token', async (request, reply) => {
    const s = linkSecret.safeParse(request.params.token);
    if (!s.success || !(await stopSubscription(db, s.data))) return expired(reply);
    return linkPage(reply, 'unsubscribed', { title: 'You are unsubscribed' });
  });
}
