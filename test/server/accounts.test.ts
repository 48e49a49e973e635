import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { openMailer } from '../../src/services/mail.js';
import { anonymous, CookieJar, csrfTokenIn, quietMail, signIn } from '../helpers/accounts.js';
import { makeUser, PASSWORD } from '../helpers/factories.js';
import { SHARED_REVENUES_CASE } from '../helpers/factories.js';
import { emptyRegister, forEachDatabase } from '../helpers/databases.js';
import { startSmtpServer } from '../helpers/smtp.js';

const EDITOR = 'editor@wychavon.test';
const ADMIN = 'admin@wychavon.test';
const OUTSIDER = 'viewer@trafford.test';

/** Posts the sign-in form as a fresh browser would, keeping its cookies in `jar`. */
async function postSignIn(app: FastifyInstance, jar: CookieJar, email: string, password: string) {
  const form = await app.inject({ url: '/sign-in', headers: { cookie: jar.header() } });
  jar.take(form.headers['set-cookie']);
  const res = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: jar.header() },
    payload: { email, password, _csrf: csrfTokenIn(form.body) },
  });
  jar.take(res.headers['set-cookie']);
  return res;
}

const whoIs = async (app: FastifyInstance, jar: CookieJar) =>
  /Signed in as ([^<,]+)/.exec((await app.inject({ url: '/', headers: { cookie: jar.header() } })).body)?.[1];

forEachDatabase('accounts and sessions', (database) => {
  let app: FastifyInstance;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  before(async () => {
    const db = database();
    await emptyRegister(db);
    await seedDemo(db);
    smtp = await startSmtpServer();
    app = await buildApp({
      db,
      mail: {
        baseUrl: 'http://pathfinder.test',
        mailer: openMailer({ smtpUrl: smtp.url, from: 'pathfinder@test' }),
      },
      // The limit on attempts from one address has a test of its own.
      signInAttemptsPerMinute: 1000,
    });
    await makeUser(db, { email: EDITOR, bodyCode: 'E07000238', role: 'editor' });
    await makeUser(db, { email: ADMIN, bodyCode: 'E07000238', role: 'administrator' });
    await makeUser(db, { email: OUTSIDER, bodyCode: 'E08000009', role: 'viewer' });
  });
  after(async () => {
    await app.close();
    await smtp.close();
  });

  test('a wrong password and an unknown address get the same answer, and no session', async () => {
    for (const [email, password] of [
      [EDITOR, 'not the password at all'],
      ['nobody@nowhere.test', PASSWORD],
    ] as const) {
      const jar = new CookieJar();
      const res = await postSignIn(app, jar, email, password);
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /Enter a correct email address and password/);
      assert.equal(jar.get('pathfinder_session'), undefined);
    }
    await database().query('DELETE FROM sign_in_failures');
  });

  test('signing in makes a new session, so one planted before is never promoted (fixation)', async () => {
    const jar = new CookieJar();
    jar.take('pathfinder_session=planted-by-an-attacker; Path=/');
    assert.equal(await whoIs(app, jar), undefined, 'a made-up session id signs nobody in');
    await postSignIn(app, jar, OUTSIDER, PASSWORD);
    const first = jar.get('pathfinder_session');
    assert.ok(first && first !== 'planted-by-an-attacker');
    assert.equal(await whoIs(app, jar), 'viewer');
    // The same browser signs in as someone else: the earlier session is ended, not reused.
    await postSignIn(app, jar, EDITOR, PASSWORD);
    const second = jar.get('pathfinder_session');
    assert.notEqual(second, first);
    const stale = new CookieJar();
    stale.take(`pathfinder_session=${first}; Path=/`);
    assert.equal(await whoIs(app, stale), undefined);
    const cookie = (await postSignIn(app, new CookieJar(), EDITOR, PASSWORD)).headers['set-cookie'];
    assert.match(String(cookie), /pathfinder_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax/);
  });

  test('signing out ends the session on the server, not only in the browser', async () => {
    const client = await signIn(app, database(), EDITOR);
    const session = client.jar.get('pathfinder_session');
    assert.equal((await client.inject({ method: 'POST', url: '/sign-out' })).statusCode, 303);
    const kept = new CookieJar();
    kept.take(`pathfinder_session=${session}; Path=/`);
    assert.equal(await whoIs(app, kept), undefined);
  });

  test('five wrong passwords lock the account, even against the right one, until the lock ends', async () => {
    const jar = new CookieJar();
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await postSignIn(app, jar, ADMIN, `wrong guess ${i}`)).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 423]);
    const right = await postSignIn(app, jar, ADMIN, PASSWORD);
    assert.equal(right.statusCode, 423);
    assert.match(right.body, /locked after too many wrong passwords/);
    assert.equal(jar.get('pathfinder_session'), undefined);
    // Fifteen minutes later (moved back rather than waited for), the right password works again.
    await database().query(
      `UPDATE sign_in_failures SET locked_until = now() - interval '1 second' WHERE email = $1`,
      [ADMIN],
    );
    assert.equal((await postSignIn(app, jar, ADMIN, PASSWORD)).statusCode, 303);
  });

  test('an address with no account locks after five wrong passwords just as an account does', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await postSignIn(app, new CookieJar(), 'nobody@nowhere.test', `guess ${i}`)).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 423, 423]);
    await database().query('DELETE FROM sign_in_failures');
  });

  test('too many sign-in attempts from one address are slowed down', async () => {
    const limited = await buildApp({ db: database(), mail: quietMail(), signInAttemptsPerMinute: 4 });
    try {
      const codes = [];
      for (let i = 0; i < 6; i++) {
        codes.push(
          (await postSignIn(limited, new CookieJar(), `nobody${i}@nowhere.test`, 'wrong')).statusCode,
        );
      }
      assert.deepEqual(codes, [401, 401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
      await database().query('DELETE FROM sign_in_failures');
    }
  });

  test('a form without its token, or with another browser’s, changes nothing (CSRF)', async () => {
    const client = await signIn(app, database(), EDITOR);
    const note = { text: 'Cross-site note' };
    const slug = 'wychavon-malvern-hills-shared-chief-executive';
    const cookie = client.jar.header();
    const missing = await app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/notes`,
      headers: { cookie },
      payload: note,
    });
    assert.equal(missing.statusCode, 403);
    assert.match(missing.body, /This form has expired or was sent from another site/);
    const stranger = await anonymous(app);
    const foreignToken = csrfTokenIn((await stranger.inject('/sign-in')).body);
    const foreign = await app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/notes`,
      headers: { cookie },
      payload: { ...note, _csrf: foreignToken },
    });
    assert.equal(foreign.statusCode, 403);
    // The API ignores the session cookie for changes: a cross-site request carries no token header.
    const viaCookie = await app.inject({
      method: 'POST',
      url: `/api/v1/partnerships/${slug}/projects`,
      headers: { cookie },
      payload: { name: 'Cross-site project', service: 'it' },
    });
    assert.equal(viaCookie.statusCode, 403);
    const notes = await database().query(`SELECT 1 FROM partnership_notes WHERE text = $1`, [note.text]);
    assert.equal(notes.length, 0);
    const own = await client.inject({ method: 'POST', url: `/partnerships/${slug}/notes`, payload: note });
    assert.equal(own.statusCode, 303);
  });

  test('a password reset link arrives by e-mail, works once, and not after it expires', async () => {
    const sessionBefore = await signIn(app, database(), OUTSIDER);
    const visitor = await anonymous(app);
    const asked = await visitor.inject({
      method: 'POST',
      url: '/forgot-password',
      payload: { email: OUTSIDER },
    });
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /Check your email/);
    // An unknown address gets the same page, and no e-mail.
    const unknown = await visitor.inject({
      method: 'POST',
      url: '/forgot-password',
      payload: { email: 'x@y.test' },
    });
    assert.match(unknown.body, /Check your email/);
    const [mail] = (await smtp.waitFor(1)).filter((m) => m.subject === 'Reset your Pathfinder password');
    assert.equal(mail?.to && 'text' in mail.to ? mail.to.text : '', OUTSIDER);
    const link = /http:\/\/pathfinder\.test(\/reset-password\/[\w-]{43})/.exec(mail?.text ?? '')?.[1];
    assert.ok(link, 'the e-mail has the link');
    assert.equal((await visitor.inject(link)).statusCode, 200);
    const tooShort = await visitor.inject({
      method: 'POST',
      url: link,
      payload: { password: 'short', confirm: 'short' },
    });
    assert.equal(tooShort.statusCode, 422);
    assert.match(tooShort.body, /12 characters or more/);
    const chosen = 'a new and rather long passphrase';
    const set = await visitor.inject({
      method: 'POST',
      url: link,
      payload: { password: chosen, confirm: chosen },
    });
    assert.equal(set.statusCode, 303);
    assert.equal((await postSignIn(app, new CookieJar(), OUTSIDER, chosen)).statusCode, 303);
    assert.equal((await postSignIn(app, new CookieJar(), OUTSIDER, PASSWORD)).statusCode, 401);
    assert.equal(await whoIs(app, sessionBefore.jar), undefined, 'sessions from before the reset are ended');
    // Used once: the same link again is refused.
    const reused = await visitor.inject({
      method: 'POST',
      url: link,
      payload: { password: PASSWORD, confirm: PASSWORD },
    });
    assert.equal(reused.statusCode, 410);
    // A fresh link that has run out is refused too.
    await visitor.inject({ method: 'POST', url: '/forgot-password', payload: { email: OUTSIDER } });
    const [, second] = (await smtp.waitFor(2)).filter((m) => m.subject === 'Reset your Pathfinder password');
    const expired = /(\/reset-password\/[\w-]{43})/.exec(second?.text ?? '')?.[1] as string;
    await database().query(
      `UPDATE one_time_links SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL`,
    );
    assert.equal((await visitor.inject(expired)).statusCode, 410);
    const late = await visitor.inject({
      method: 'POST',
      url: expired,
      payload: { password: PASSWORD, confirm: PASSWORD },
    });
    assert.equal(late.statusCode, 410);
    assert.equal((await postSignIn(app, new CookieJar(), OUTSIDER, chosen)).statusCode, 303);
  });

  test('an administrator invites a user of their body, who chooses a password and signs in', async () => {
    const admin = await signIn(app, database(), ADMIN);
    const before = smtp.received.length;
    const added = await admin.inject({
      method: 'POST',
      url: '/users/new',
      payload: { name: 'Nina Officer', email: 'Nina.Officer@Wychavon.test', role: 'editor' },
    });
    assert.equal(added.statusCode, 303);
    const [invitation] = (await smtp.waitFor(before + 1)).slice(before);
    assert.equal(invitation?.subject, 'You have been invited to Pathfinder');
    assert.match(invitation?.text ?? '', /for Wychavon District Council/);
    const link = /(\/reset-password\/[\w-]{43})/.exec(invitation?.text ?? '')?.[1] as string;
    const visitor = await anonymous(app);
    const chosen = 'nina chooses a long password';
    await visitor.inject({ method: 'POST', url: link, payload: { password: chosen, confirm: chosen } });
    const jar = new CookieJar();
    assert.equal((await postSignIn(app, jar, 'nina.officer@wychavon.test', chosen)).statusCode, 303);
    assert.equal(await whoIs(app, jar), 'Nina Officer');
    // The administrator may not make anyone a site administrator, nor add users to another body.
    const promoted = await admin.inject({
      method: 'POST',
      url: '/users/new',
      payload: { name: 'Sly', email: 'sly@wychavon.test', role: 'viewer', siteAdmin: 'yes' },
    });
    assert.equal(promoted.statusCode, 403);
    const listed = (await admin.inject('/users')).body;
    assert.match(listed, /Nina Officer/);
    assert.doesNotMatch(listed, /trafford/, 'another body’s users are not listed');
    const history = (await admin.inject('/audit?recordType=user')).body;
    assert.match(history, /admin@wychavon\.test/);
    assert.match(history, /Nina Officer/);
  });

  test('API tokens act with their scopes only, never more than their user, and stop when revoked', async () => {
    const editor = await signIn(app, database(), EDITOR);
    const made = await editor.inject({
      method: 'POST',
      url: '/account/tokens',
      payload: { name: 'Read only', scopes: 'read' },
    });
    assert.equal(made.statusCode, 201);
    const readOnly = /<code class="pf-secret">(pf_[\w-]+)<\/code>/.exec(made.body)?.[1] as string;
    assert.ok(readOnly, 'the new token is shown once');
    assert.doesNotMatch((await editor.inject('/account')).body, new RegExp(readOnly), 'and never again');
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const me = (await app.inject({ url: '/api/v1/me', headers: bearer(readOnly) })).json();
    assert.deepEqual([me.email, me.via, me.scopes], [EDITOR, 'token', ['read']]);
    const slug = 'wychavon-malvern-hills-shared-chief-executive';
    const write = await app.inject({
      method: 'POST',
      url: `/api/v1/partnerships/${slug}/projects`,
      headers: bearer(readOnly),
      payload: { name: 'Joint printing', service: 'it' },
    });
    assert.equal(write.statusCode, 403, 'a read-only token cannot change anything');
    const written = await app.inject({
      method: 'POST',
      url: '/api/v1/business-cases',
      headers: bearer(await tokenFor(editor, 'write')),
      payload: SHARED_REVENUES_CASE,
    });
    assert.equal(written.statusCode, 201);
    const caseId = written.json().id;
    // Reading a private business case needs the read scope.
    const writeOnly = await tokenFor(editor, 'write');
    assert.equal(
      (await app.inject({ url: `/api/v1/business-cases/${caseId}`, headers: bearer(writeOnly) })).statusCode,
      404,
    );
    assert.equal(
      (await app.inject({ url: `/api/v1/business-cases/${caseId}`, headers: bearer(readOnly) })).statusCode,
      200,
    );
    // An outsider's token with every scope still cannot read or change the partnership's private records.
    await makeUser(database(), { email: 'editor@trafford.test', bodyCode: 'E08000009', role: 'editor' });
    const outsider = await signIn(app, database(), 'editor@trafford.test');
    const outsiderToken = await tokenFor(outsider, 'read', 'write');
    assert.equal(
      (await app.inject({ url: `/api/v1/business-cases/${caseId}`, headers: bearer(outsiderToken) }))
        .statusCode,
      404,
    );
    // Revoked: refused at once, with a 401 that says why.
    const [token] = await database().query<{ id: number }>(
      `SELECT id FROM api_tokens WHERE name = 'Read only'`,
    );
    assert.match((await editor.inject('/account')).body, new RegExp(`/account/tokens/${token?.id}/revoke`));
    assert.equal(
      (await editor.inject({ method: 'POST', url: `/account/tokens/${token?.id}/revoke` })).statusCode,
      303,
    );
    const revoked = await app.inject({ url: '/api/v1/me', headers: bearer(readOnly) });
    assert.equal(revoked.statusCode, 401);
    assert.match(revoked.json().error, /not valid/);
  });

  test('every page and API answer carries the security headers; HSTS only over TLS', async () => {
    for (const url of ['/', '/sign-in', '/partnerships', '/no-such-page', '/api/v1/bodies', '/api/v1/nope']) {
      const res = await app.inject(url);
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/, url);
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, url);
      assert.match(
        String(res.headers['content-security-policy']),
        /script-src 'self' 'nonce-[a-f0-9]+'/,
        url,
      );
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['strict-transport-security'], undefined, url);
    }
    const page = await app.inject('/');
    const nonce = /script-src 'self' 'nonce-([a-f0-9]+)'/.exec(
      String(page.headers['content-security-policy']),
    )?.[1];
    assert.match(
      page.body,
      new RegExp(`<script nonce="${nonce}">`),
      'the page’s one inline script has the nonce',
    );
    assert.doesNotMatch(page.body, /style="/, 'no inline styles, which the policy would block');
    const behindProxy = await buildApp({ db: database(), mail: quietMail(), trustProxy: true });
    try {
      // The sign-in form sets the form-token cookie; pages without a form set none.
      const tls = await behindProxy.inject({ url: '/sign-in', headers: { 'x-forwarded-proto': 'https' } });
      assert.match(String(tls.headers['strict-transport-security']), /max-age=31536000/);
      assert.match(
        String(tls.headers['set-cookie']),
        /pathfinder_csrf=.*; Secure/,
        'cookies are Secure over TLS',
      );
      const plain = await behindProxy.inject('/sign-in');
      assert.match(String(plain.headers['set-cookie']), /pathfinder_csrf=/);
      assert.doesNotMatch(String(plain.headers['set-cookie']), /Secure/);
    } finally {
      await behindProxy.close();
    }
  });
});

/** Makes a token with these scopes through the account page, as the user would. */
async function tokenFor(client: Awaited<ReturnType<typeof signIn>>, ...scopes: string[]) {
  const made = await client.inject({
    method: 'POST',
    url: '/account/tokens',
    payload: { name: `token ${scopes.join(' ')} ${Math.random()}`, scopes },
  });
  return /<code class="pf-secret">(pf_[\w-]+)<\/code>/.exec(made.body)?.[1] as string;
}
