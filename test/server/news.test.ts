import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import type { AccountMail } from '../../src/services/accounts.js';
import { openMailer } from '../../src/services/mail.js';
import { sendQueued, startSendingQueue } from '../../src/services/newsletter.js';
import { takeDelivery } from '../../src/store/subscribers.js';
import { anonymous, type Client, signIn } from '../helpers/accounts.js';
import { makeUser } from '../helpers/factories.js';
import { emptyRegister, forEachDatabase } from '../helpers/databases.js';
import { startSmtpServer } from '../helpers/smtp.js';

/** An element's text, whether or not the parser gave it attributes too. */
const textOf = (v: unknown) =>
  String(typeof v === 'object' && v ? (v as Record<string, unknown>)['#text'] : v);

/** RFC 4287's rules for a feed and its entries, checked on the parsed document. */
function checkAtom(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml);
  const feed = doc.feed;
  assert.equal(feed['@xmlns'], 'http://www.w3.org/2005/Atom');
  const one = (o: Record<string, unknown>, name: string, where: string) => {
    assert.ok(o[name] !== undefined && !Array.isArray(o[name]), `${where} has exactly one ${name}`);
    return o[name];
  };
  const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
  const iri = /^[a-z][a-z0-9+.-]*:\S+$/i;
  assert.match(String(one(feed, 'id', 'the feed')), iri);
  one(feed, 'title', 'the feed');
  assert.match(String(one(feed, 'updated', 'the feed')), rfc3339);
  assert.ok(feed.author?.name, 'the feed has an author, so every entry has one');
  const links = [feed.link].flat();
  assert.ok(
    links.some((l: Record<string, string>) => l['@rel'] === 'self'),
    'a self link',
  );
  const entries = [feed.entry ?? []].flat() as Record<string, unknown>[];
  const ids = entries.map((e) => String(one(e, 'id', 'an entry')));
  assert.equal(new Set(ids).size, ids.length, 'entry ids are unique');
  for (const e of entries) {
    assert.ok(ids.every((id) => iri.test(id)));
    one(e, 'title', 'an entry');
    assert.match(String(one(e, 'updated', 'an entry')), rfc3339);
    assert.ok(e.link || e.content, 'an entry links to its content or has it');
  }
  return entries;
}

forEachDatabase('news summary', (database) => {
  let app: FastifyInstance;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let mail: AccountMail;
  let editor: Client;
  let admin: Client;

  before(async () => {
    const db = database();
    await emptyRegister(db);
    await seedDemo(db);
    smtp = await startSmtpServer();
    mail = {
      baseUrl: 'http://pathfinder.test',
      mailer: openMailer({ smtpUrl: smtp.url, from: 'news@pathfinder.test' }),
    };
    app = await buildApp({ db, mail, signInAttemptsPerMinute: 1000 });
    await makeUser(db, { email: 'editor@rochdale.test', bodyCode: 'E08000005', role: 'editor' });
    await makeUser(db, { email: 'admin@pathfinder.test', role: 'administrator', siteAdmin: true });
    editor = await signIn(app, db, 'editor@rochdale.test');
    admin = await signIn(app, db, 'admin@pathfinder.test');
  });
  after(async () => {
    await app.close();
    await smtp.close();
  });

  test('an item names its bodies and partnerships for the editor to confirm; markup in it stays text', async () => {
    const item = {
      headline: 'Rochdale MBC and Northants CC compare notes on AGMA co-operation on shared services',
      // "chief executive" is how the text names the senior management service.
      source: 'Local Government Chronicle',
      url: 'https://www.lgcplus.com/example',
      publishedOn: '2015-03-03',
      section: 'local_government',
      summary: 'Their chief executive plans to save £2.5m a year. <script>alert("x")</script> ]]> & more.',
    };
    const suggested = await editor.inject({
      method: 'POST',
      url: '/news/new',
      payload: { ...item, step: 'suggest' },
    });
    assert.equal(suggested.statusCode, 200);
    for (const code of ['E08000005', 'E10000021'])
      assert.match(suggested.body, new RegExp(`name="bodyCodes" type="checkbox" value="${code}" checked`));
    assert.match(suggested.body, /name="partnershipSlugs" type="checkbox" value="agma-cooperation" checked/);
    assert.match(suggested.body, /name="services" type="checkbox" value="management" checked/);
    assert.match(suggested.body, /£2,500,000 \(“save £2\.5m”\)/);

    const badLink = await editor.inject({
      method: 'POST',
      url: '/news/new',
      payload: { ...item, url: 'javascript:alert(1)', step: 'save' },
    });
    assert.equal(badLink.statusCode, 422);
    assert.match(badLink.body, /Enter a web address starting with http:\/\/ or https:\/\//);

    // Saved with nothing ticked, the form comes back once with what the text names ticked.
    const unlinked = await editor.inject({
      method: 'POST',
      url: '/news/new',
      payload: { ...item, step: 'save' },
    });
    assert.equal(unlinked.statusCode, 200);
    assert.match(unlinked.body, /The item names the bodies, partnerships or services ticked below/);
    assert.match(unlinked.body, /value="E08000005" checked/);
    assert.match(unlinked.body, /name="suggested" value="yes"/);

    const saved = await editor.inject({
      method: 'POST',
      url: '/news/new',
      payload: {
        ...item,
        step: 'save',
        bodyCodes: ['E08000005', 'E10000021'],
        partnershipSlugs: 'agma-cooperation',
      },
    });
    assert.equal(saved.statusCode, 303);
    const page = (await editor.inject(saved.headers.location as string)).body;
    assert.doesNotMatch(page, /<script>alert/);
    assert.match(page, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    const agma = (await (await anonymous(app)).inject('/partnerships/agma-cooperation')).body;
    assert.match(agma, /In the news/);
    assert.match(agma, /Rochdale MBC and Northants CC compare notes/);
    const rochdale = (await app.inject('/api/v1/news?body=E08000005')).json().items;
    assert.equal(rochdale[0].headline, item.headline);

    const entries = checkAtom((await app.inject('/news.atom')).body);
    const entry = entries.find((e) => textOf(e.title).includes('compare notes'));
    assert.ok(entry);
    const summary = textOf(entry.summary);
    assert.doesNotMatch(summary, /<script>/, 'the feed carries the tag as text');
    assert.match(summary, /&lt;script&gt;/);
  });

  test('a savings figure in an item becomes a claim on its partnership, sourced to the article', async () => {
    const [srs] = (await app.inject('/api/v1/news?partnership=shared-regulatory-services')).json().items;
    const outsider = await editor.inject({
      method: 'POST',
      url: `/news/${srs.id}/savings`,
      payload: { partnership: 'shared-regulatory-services', amountPence: 130_000_000 },
    });
    assert.equal(
      outsider.statusCode,
      403,
      'an editor of another body cannot add to the partnership’s savings',
    );
    const claimed = await admin.inject({
      method: 'POST',
      url: `/news/${srs.id}/savings`,
      payload: { partnership: 'shared-regulatory-services', amountPence: 130_000_000 },
    });
    assert.equal(claimed.statusCode, 303);
    const p = (await app.inject('/api/v1/partnerships/shared-regulatory-services')).json();
    const claim = p.savingsClaims.find((c: { sourceUrl?: string }) => c.sourceUrl === srs.url);
    assert.equal(claim?.amountPence, 130_000_000);
    assert.match(claim?.description, /Three Welsh councils could merge regulatory services/);
    const itemPage = (await app.inject(`/news/${srs.id}`)).body;
    assert.match(itemPage, /Savings claims it is the source of/);
    assert.match(
      itemPage,
      /£1,300,000: <a class="govuk-link" href="\/partnerships\/shared-regulatory-services">/,
    );
    assert.match(itemPage, /Trading standards/);
    const again = await admin.inject({
      method: 'POST',
      url: `/news/${srs.id}/savings`,
      payload: { partnership: 'shared-regulatory-services', amountPence: 130_000_000 },
    });
    assert.equal(again.statusCode, 409);
  });

  test('subscribing takes a confirmed address; repeats, forgeries and bad addresses send nothing', async () => {
    const visitor = await anonymous(app);
    const bad = await visitor.inject({
      method: 'POST',
      url: '/subscribe',
      payload: { email: 'not an address' },
    });
    assert.equal(bad.statusCode, 422);
    const first = await visitor.inject({
      method: 'POST',
      url: '/subscribe',
      payload: { email: 'Reader@Council.test' },
    });
    assert.equal(first.statusCode, 200);
    const [confirmation] = await smtp.waitFor(1);
    assert.equal(
      confirmation?.subject,
      'Confirm your subscription to the News Summary of Collaboration and Shared Services',
    );
    const link = /(\/subscribe\/confirm\/[\w-]{43})/.exec(confirmation?.text ?? '')?.[1] as string;
    // The same address again within the hour: the same answer, and no second e-mail.
    const repeat = await visitor.inject({
      method: 'POST',
      url: '/subscribe',
      payload: { email: 'reader@council.test' },
    });
    assert.equal(
      repeat.body.replace(/(value|nonce)="[^"]+"/g, ''),
      first.body.replace(/(value|nonce)="[^"]+"/g, ''),
    );
    assert.equal(
      (await visitor.inject(`/subscribe/confirm/${'A'.repeat(43)}`)).statusCode,
      410,
      'a forged link',
    );
    assert.equal((await visitor.inject(link)).statusCode, 200, 'opening the link confirms nothing by itself');
    assert.equal((await visitor.inject({ method: 'POST', url: link })).statusCode, 200);
    assert.equal((await visitor.inject({ method: 'POST', url: link })).statusCode, 410, 'a used link');
    // A confirmed address signing up again is told the same as anyone, and sent nothing.
    const known = await visitor.inject({
      method: 'POST',
      url: '/subscribe',
      payload: { email: 'reader@council.test' },
    });
    assert.match(known.body, /If reader@council\.test is not subscribed already/);
    // One that never confirms within the week cannot confirm later.
    await visitor.inject({ method: 'POST', url: '/subscribe', payload: { email: 'late@council.test' } });
    const [, late] = await smtp.waitFor(2);
    await database().query(
      `UPDATE subscribers SET confirm_sent_at = now() - interval '8 days' WHERE email = 'late@council.test'`,
    );
    const lateLink = /(\/subscribe\/confirm\/[\w-]{43})/.exec(late?.text ?? '')?.[1] as string;
    assert.equal((await visitor.inject({ method: 'POST', url: lateLink })).statusCode, 410);
    assert.equal(smtp.received.length, 2, 'no e-mail beyond the two confirmations');
  });

  test('a published edition reaches each confirmed subscriber once, with one-click unsubscribe', async () => {
    const before = smtp.received.length;
    const [item] = (await app.inject('/api/v1/news?limit=1')).json().items;
    const draft = await admin.inject({
      method: 'POST',
      url: '/editions/new',
      payload: { weekOf: '2015-03-03', introduction: 'A short week for news.', itemIds: String(item.id) },
    });
    assert.equal(draft.statusCode, 303);
    const editionPath = draft.headers.location as string;
    assert.equal((await app.inject(editionPath)).statusCode, 404, 'a draft is not public');
    assert.match((await admin.inject(editionPath)).body, /This is a draft/);
    const form = (await admin.inject(`${editionPath}/edit`)).body;
    assert.match(form, new RegExp(`name="itemIds" type="checkbox" value="${item.id}" checked`));
    const changed = await admin.inject({
      method: 'POST',
      url: `${editionPath}/edit`,
      payload: {
        weekOf: '2015-03-03',
        introduction: 'A short week for news, read on.',
        itemIds: String(item.id),
      },
    });
    assert.equal(changed.statusCode, 303);
    assert.match((await admin.inject(editionPath)).body, /A short week for news, read on\./);
    assert.equal((await admin.inject({ method: 'POST', url: `${editionPath}/publish` })).statusCode, 303);
    assert.equal((await admin.inject({ method: 'POST', url: `${editionPath}/publish` })).statusCode, 303);

    const late = await admin.inject({
      method: 'POST',
      url: `${editionPath}/edit`,
      payload: { weekOf: '2015-03-03', introduction: 'Too late to change.', itemIds: String(item.id) },
    });
    assert.equal(late.statusCode, 422);
    assert.match(late.body, /A published edition cannot be changed/);

    assert.deepEqual(await sendQueued(database(), mail), { sent: 1, failed: 0 });
    assert.deepEqual(await sendQueued(database(), mail), { sent: 0, failed: 0 }, 'nothing is sent twice');
    const [edition] = (await smtp.waitFor(before + 1)).slice(before);
    assert.equal(edition?.subject, 'News Summary of Collaboration and Shared Services, 3 March 2015');
    assert.equal(edition?.to && 'text' in edition.to ? edition.to.text : '', 'reader@council.test');
    assert.match(edition?.text ?? '', /LOCAL GOVERNMENT/);
    assert.match(edition?.html || '', /<h2[^>]*>Local Government<\/h2>/);
    assert.doesNotMatch(edition?.html || '', /<script>alert/, 'markup in a summary stays text in the e-mail');
    const header = (name: string) =>
      edition?.headerLines
        .find((h) => h.key === name)
        ?.line.slice(name.length + 1)
        .trim();
    const unsubscribe = String(header('list-unsubscribe'));
    assert.match(unsubscribe, /^<http:\/\/pathfinder\.test\/unsubscribe\/[\w-]{43}>$/);
    assert.equal(header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    checkAtom((await app.inject('/editions.atom')).body);

    // One click, as a mail service does it: a POST with no cookie and no form token.
    const path = unsubscribe.slice('<http://pathfinder.test'.length, -1);
    const oneClick = await app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    assert.equal(oneClick.statusCode, 200);
    assert.match(oneClick.body, /You are unsubscribed/);
    const next = await admin.inject({
      method: 'POST',
      url: '/editions/new',
      payload: { weekOf: '2015-03-10', introduction: 'Another week.', itemIds: String(item.id) },
    });
    await admin.inject({ method: 'POST', url: `${next.headers.location}/publish` });
    assert.deepEqual(
      await sendQueued(database(), mail),
      { sent: 0, failed: 0 },
      'nothing to the unsubscribed',
    );
    assert.equal(
      (await app.inject({ method: 'POST', url: `/unsubscribe/${'B'.repeat(43)}` })).statusCode,
      410,
    );
  });

  test('an e-mail interrupted by a restart is set aside, never sent a second time', async () => {
    const db = database();
    await db.query(
      `INSERT INTO subscribers (email, status, unsubscribe_token) VALUES ('second@council.test', 'confirmed', 'tok-second')`,
    );
    const [{ id } = { id: 0 }] = await db.query<{ id: number }>('SELECT max(id) AS id FROM editions');
    await db.query(
      `INSERT INTO deliveries (edition_id, subscriber_id) SELECT $1, id FROM subscribers WHERE email = 'second@council.test'`,
      [id],
    );
    const taken = await takeDelivery(db, 5);
    assert.equal(taken?.subscriber.email, 'second@council.test');
    // The process dies here, mid-send. On the next start the queue sets the delivery aside.
    const lines: string[] = [];
    const stop = await startSendingQueue(db, mail, 60_000, (line) => lines.push(line));
    await stop();
    assert.match(lines.join('\n'), /1 news e-mails were being sent when Pathfinder stopped/);
    assert.deepEqual(await sendQueued(db, mail), { sent: 0, failed: 0 });
    const [state] = await db.query<{ status: string }>(
      `SELECT d.status FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = 'second@council.test'`,
    );
    assert.equal(state?.status, 'uncertain');
  });
});
