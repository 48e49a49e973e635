/**
 * Sending a published edition to its subscribers: Pathfinder's queue (take a delivery, mark it, render,
 * send, mark it sent) against a real SMTP server on loopback, next to the baseline of nodemailer
 * sending the same rendered message as fast as it can, measured in the same run.
 *   npm run bench:newsletter [-- --subscribers 2000]
 */
import { parseArgs } from 'node:util';
import { seedDemo } from '../src/demo/seed.js';
import { openMailer } from '../src/services/mail.js';
import { editionMessage, sendQueued } from '../src/services/newsletter.js';
import { openDatabase } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { getEdition, publishEdition } from '../src/store/news.js';
import { startSmtpServer } from '../test/helpers/smtp.js';

const { values } = parseArgs({ options: { subscribers: { type: 'string', default: '2000' } } });
const count = Number(values.subscribers);

const db = await openDatabase({ url: process.env.DATABASE_URL });
await migrate(db);
await seedDemo(db);
await db.query(
  `INSERT INTO subscribers (email, status, unsubscribe_token)
   SELECT 'reader' || n || '@council.test', 'confirmed', md5(n::text) || md5((n * 7)::text)
   FROM generate_series(1, $1::int) n ON CONFLICT DO NOTHING`,
  [count],
);
const [{ id } = { id: 0 }] = await db.query<{ id: number }>('SELECT max(id) AS id FROM editions');
await db.query('DELETE FROM deliveries WHERE edition_id = $1', [id]);
await publishEdition(db, id);

const smtp = await startSmtpServer();
const mail = {
  baseUrl: 'http://localhost:3000',
  mailer: openMailer({ smtpUrl: smtp.url, from: 'bench@pathfinder.test' }),
};

const message = editionMessage(await getEdition(db, id), 'reader@council.test', 'x'.repeat(43), mail.baseUrl);
let started = performance.now();
for (let i = 0; i < count; i++) await mail.mailer.send({ ...message, to: `reader${i}@council.test` });
const baseline = count / ((performance.now() - started) / 1000);

started = performance.now();
const { sent, failed } = await sendQueued(db, mail, count + 10);
const queue = sent / ((performance.now() - started) / 1000);

console.log(`${db.kind}, ${count} subscribers, one edition`);
console.log(`nodemailer alone (baseline)   ${baseline.toFixed(0)} e-mails/s`);
console.log(
  `Pathfinder's sending queue    ${queue.toFixed(0)} e-mails/s (${sent} sent, ${failed} failed), ${((queue / baseline) * 100).toFixed(0)}% of baseline`,
);
mail.mailer.close();
await smtp.close();
await db.close();
