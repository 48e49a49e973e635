import { randomBytes } from 'node:crypto';
import { type Edition, editionAsText, editionTitle } from '../domain/news.js';
import { getEdition } from '../store/news.js';
import type { Sql } from '../store/db.js';
import {
  abandonUnfinished,
  confirmSubscription,
  finishDelivery,
  requestSubscription,
  takeDelivery,
  unsubscribe,
} from '../store/subscribers.js';
import { render } from '../web/render.js';
import type { AccountMail } from './accounts.js';
import { hashSecret, newSecret } from './secrets.js';

const MAX_ATTEMPTS = 5;
const unsubscribeUrl = (baseUrl: string, token: string) =>
  `${baseUrl.replace(/\/$/, '')}/unsubscribe/${token}`;

/** Signs an address up and sends it a confirmation link (double opt-in), unless that would repeat. */
export async function subscribe(db: Sql, email: string, mail: AccountMail) {
  const { secret, hash } = newSecret();
  const subscriber = await requestSubscription(db, email, hash, randomBytes(32).toString('base64url'));
  if (!subscriber) return;
  const base = mail.baseUrl.replace(/\/$/, '');
  await mail.mailer.send({
    to: subscriber.email,
    subject: 'Confirm your subscription to the News Summary of Collaboration and Shared Services',
    text: [
      'Someone, we hope you, asked for the weekly News Summary of Collaboration and Shared Services from Pathfinder',
      'to be sent to this address. To confirm, open this link (it works for 7 days):',
      '',
      `${base}/subscribe/confirm/${secret}`,
      '',
      'If it was not you, ignore this e-mail: nothing will be sent.',
    ].join('\n'),
  });
}

export const confirmationIsLive = (db: Sql, secret: string) =>
  confirmSubscription(db, hashSecret(secret), false);
export const confirm = (db: Sql, secret: string) => confirmSubscription(db, hashSecret(secret), true);
export const unsubscribeIsKnown = (db: Sql, token: string) => unsubscribe(db, token, false);
export const stopSubscription = (db: Sql, token: string) => unsubscribe(db, token, true);

/** One subscriber's e-mail of an edition: HTML and plain text, each with a one-click unsubscribe link. */
export function editionMessage(edition: Edition, to: string, unsubscribeToken: string, baseUrl: string) {
  const context = {
    edition,
    title: editionTitle(edition.weekOf),
    base: baseUrl.replace(/\/$/, ''),
    unsubscribe: unsubscribeUrl(baseUrl, unsubscribeToken),
  };
  return {
    to,
    subject: context.title,
    text: editionAsText(edition, {
      web: `${context.base}/editions/${edition.id}`,
      unsubscribe: context.unsubscribe,
    }),
    html: render('email/edition.njk', context),
    headers: {
      'List-Unsubscribe': `<${context.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** Sends queued e-mails until none are left (or `limit` are sent); a failure is retried on a later run. */
export async function sendQueued(
  db: Sql,
  mail: AccountMail,
  limit = 500,
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  // Read once a run: every subscriber gets the same edition, only the unsubscribe link differs.
  const editions = new Map<number, Promise<Edition>>();
  const editionOf = (id: number) => editions.get(id) ?? editions.set(id, getEdition(db, id)).get(id)!;
  for (let i = 0; i < limit; i++) {
    const delivery = await takeDelivery(db, MAX_ATTEMPTS);
    if (!delivery) break;
    try {
      const { subscriber } = delivery;
      const edition = await editionOf(delivery.editionId);
      await mail.mailer.send(
        editionMessage(edition, subscriber.email, subscriber.unsubscribeToken, mail.baseUrl),
      );
      await finishDelivery(db, delivery);
      sent++;
    } catch (error) {
      await finishDelivery(db, delivery, (error as Error).message.slice(0, 500));
      failed++;
    }
  }
  return { sent, failed };
}

/**
 * The sending queue, run in the server: it sets aside what a stopped process left half-sent, then
 * sends whatever is queued every `intervalMs`. Returns a function that stops it after the current run.
 */
export async function startSendingQueue(
  db: Sql,
  mail: AccountMail,
  intervalMs: number,
  log: (line: string) => void = console.log,
): Promise<() => Promise<void>> {
  const abandoned = await abandonUnfinished(db);
  if (abandoned)
    log(`${abandoned} news e-mails were being sent when Pathfinder stopped; they are not sent again.`);
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = sendQueued(db, mail)
      .then(({ sent, failed }) => {
        if (sent || failed) log(`News e-mails: ${sent} sent, ${failed} failed (retried later).`);
      })
      .catch((error: Error) => log(`News e-mails could not be sent: ${error.message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  let timer = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
