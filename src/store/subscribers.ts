import type { Sql } from './db.js';

export interface Subscriber {
  id: number;
  email: string;
  unsubscribeToken: string;
}

/**
 * Makes or renews a pending subscription with a new confirmation secret, and says whether to send
 * it. Nothing is sent to a confirmed address, nor again within the hour to a pending one, so the
 * form can neither flood an inbox nor tell anyone whether an address subscribes.
 */
export async function requestSubscription(
  sql: Sql,
  email: string,
  confirmHash: string,
  unsubscribeToken: string,
): Promise<Subscriber | undefined> {
  const [row] = await sql.query<Subscriber>(
    `INSERT INTO subscribers (email, status, confirm_hash, confirm_sent_at, unsubscribe_token)
     VALUES ($1, 'pending', $2, now(), $3)
     ON CONFLICT (email) DO UPDATE SET status = 'pending', confirm_hash = EXCLUDED.confirm_hash, confirm_sent_at = now()
       WHERE subscribers.status = 'unsubscribed'
          OR (subscribers.status = 'pending' AND subscribers.confirm_sent_at < now() - interval '1 hour')
     RETURNING id, email, unsubscribe_token AS "unsubscribeToken"`,
    [email, confirmHash, unsubscribeToken],
  );
  return row;
}

/** Confirms the subscription a link was sent for, if it is pending and under a week old. */
export async function confirmSubscription(
  sql: Sql,
  confirmHash: string,
  commit: boolean,
): Promise<string | undefined> {
  const live = `confirm_hash = $1 AND status = 'pending' AND confirm_sent_at > now() - interval '7 days'`;
  const [row] = await sql.query<{ email: string }>(
    commit
      ? `UPDATE subscribers SET status = 'confirmed', confirmed_at = now(), confirm_hash = NULL WHERE ${live} RETURNING email`
      : `SELECT email FROM subscribers WHERE ${live}`,
    [confirmHash],
  );
  return row?.email;
}

/** Ends a subscription; true if the token belongs to a subscriber. Unsubscribing twice is harmless. */
export async function unsubscribe(sql: Sql, token: string, commit: boolean): Promise<boolean> {
  const rows = await sql.query(
    commit
      ? `UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = coalesce(unsubscribed_at, now()), confirm_hash = NULL
         WHERE unsubscribe_token = $1 RETURNING id`
      : 'SELECT id FROM subscribers WHERE unsubscribe_token = $1',
    [token],
  );
  return rows.length > 0;
}

export async function subscriberCounts(sql: Sql): Promise<Record<string, number>> {
  const rows = await sql.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM subscribers GROUP BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export interface Delivery {
  editionId: number;
  subscriber: Subscriber;
}

/**
 * Takes the next e-mail to send and marks it as being sent, committed before it goes: if the
 * process dies while sending, the delivery is never taken again (see abandonUnfinished), so an
 * edition reaches a subscriber at most once. Only confirmed subscribers are sent to.
 */
export async function takeDelivery(sql: Sql, maxAttempts: number): Promise<Delivery | undefined> {
  const [row] = await sql.query<{ editionId: number; id: number; email: string; unsubscribeToken: string }>(
    `UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1
     FROM subscribers s
     WHERE (d.edition_id, d.subscriber_id) = (
         SELECT w.edition_id, w.subscriber_id FROM deliveries w JOIN subscribers ws ON ws.id = w.subscriber_id
         WHERE w.status IN ('queued', 'failed') AND w.attempts < $1 AND ws.status = 'confirmed'
         ORDER BY w.edition_id, w.subscriber_id LIMIT 1 FOR UPDATE OF w SKIP LOCKED)
       AND s.id = d.subscriber_id
     RETURNING d.edition_id AS "editionId", s.id, s.email, s.unsubscribe_token AS "unsubscribeToken"`,
    [maxAttempts],
  );
  return (
    row && {
      editionId: row.editionId,
      subscriber: { id: row.id, email: row.email, unsubscribeToken: row.unsubscribeToken },
    }
  );
}

export async function finishDelivery(sql: Sql, d: Delivery, error?: string) {
  await sql.query(
    `UPDATE deliveries SET status = $3, sent_at = CASE WHEN $3 = 'sent' THEN now() END, last_error = $4
     WHERE edition_id = $1 AND subscriber_id = $2`,
    [d.editionId, d.subscriber.id, error === undefined ? 'sent' : 'failed', error ?? null],
  );
}

/**
 * On start: deliveries a stopped process was in the middle of may or may not have gone, so they
 * are set aside as uncertain rather than sent again.
 */
export async function abandonUnfinished(sql: Sql): Promise<number> {
  return (
    await sql.query(
      `UPDATE deliveries SET status = 'uncertain' WHERE status = 'sending' RETURNING edition_id`,
    )
  ).length;
}

export async function deliveryCounts(sql: Sql, editionId: number): Promise<Record<string, number>> {
  const rows = await sql.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM deliveries WHERE edition_id = $1 GROUP BY status',
    [editionId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
