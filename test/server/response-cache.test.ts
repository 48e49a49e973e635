import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { KEPT_UNTIL_DATA_CHANGES } from '../../src/server/response-cache.js';
import { type Database, openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { forEachDatabaseTarget } from '../helpers/databases.js';
import { anonymous, csrfTokenIn, quietMail, signIn } from '../helpers/accounts.js';
import { makeUser } from '../helpers/factories.js';

forEachDatabaseTarget('pages kept until the data changes', (kind, target) => {
  let db: Database;
  let app: FastifyInstance;
  before(async () => {
    db = await openDatabase(target());
    await migrate(db);
    await seedDemo(db);
    await makeUser(db, { email: 'editor@rochdale.test', bodyCode: 'E08000005', role: 'editor' });
    app = await buildApp({ db, mail: quietMail() });
  });
  after(async () => {
    await app.close();
    await db.close();
  });

  test('every route kept is a GET route of the app', () => {
    for (const url of KEPT_UNTIL_DATA_CHANGES)
      assert.ok(app.hasRoute({ method: 'GET', url }), `${url} is not a route`);
  });

  test('a kept page carries an ETag; asked again with it, the answer is 304 with no body', async () => {
    const first = await app.inject('/partnerships');
    assert.equal(first.statusCode, 200);
    const etag = String(first.headers.etag);
    assert.match(etag, /^W\/"[\w-]+"$/);
    assert.equal(first.headers['cache-control'], 'private, no-cache');
    const again = await app.inject({ url: '/partnerships', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    // The browser keeps the policy whose nonce its copy of the page carries.
    assert.equal(again.headers['content-security-policy'], undefined);
    const other = await app.inject({ url: '/partnerships', headers: { 'if-none-match': 'W/"other"' } });
    assert.equal(other.statusCode, 200);
    assert.equal(other.body.replace(/nonce="\w+"/, ''), first.body.replace(/nonce="\w+"/, ''));
  });

  test('each response has its own script nonce, matching its policy, though the page is kept', async () => {
    const nonces = [];
    for (let i = 0; i < 2; i++) {
      const res = await app.inject('/');
      const nonce = /'nonce-([a-f0-9]+)'/.exec(String(res.headers['content-security-policy']))?.[1];
      assert.ok(nonce);
      assert.match(res.body, new RegExp(`<script nonce="${nonce}">`));
      nonces.push(nonce);
    }
    assert.notEqual(nonces[0], nonces[1]);
  });

  test('a change is on the next page load, by the writer and by everyone else', async () => {
    const editor = await signIn(app, db, 'editor@rochdale.test');
    const before = await anonymous(app);
    assert.doesNotMatch((await before.inject('/partnerships')).body, /Rochdale and Bury waste/);
    const made = await editor.inject({
      method: 'POST',
      url: '/api/v1/partnerships',
      payload: {
        name: 'Rochdale and Bury waste',
        kind: 'shared_service',
        members: [{ bodyCode: 'E08000005' }, { bodyCode: 'E08000002' }],
      },
    });
    assert.equal(made.statusCode, 201, made.body);
    assert.match((await editor.inject('/partnerships')).body, /Rochdale and Bury waste/);
    assert.match((await before.inject('/partnerships')).body, /Rochdale and Bury waste/);
  });

  test('a kept page’s form takes the token of whoever loads it, not of whoever loaded it first', async () => {
    const editor = await signIn(app, db, 'editor@rochdale.test');
    const again = await signIn(app, db, 'editor@rochdale.test');
    const url = '/partnerships/agma-cooperation';
    const pages = [await editor.inject(url), await again.inject(url)];
    const tokens = pages.map((p) => csrfTokenIn(p.body));
    assert.ok(tokens[0] && tokens[1]);
    assert.notEqual(tokens[0], tokens[1]);
    const res = await app.inject({
      method: 'POST',
      url: `${url}/notes`,
      headers: { cookie: again.jar.header() },
      payload: { text: 'Kept pages keep forms working', _csrf: tokens[1] as string },
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    // The writer's next page load has the change: the redirect does not find the page kept before it.
    assert.match((await again.inject(res.headers.location as string)).body, /Kept pages keep forms working/);
  });

  test('what a member sees is never what a visitor is sent', async () => {
    const editor = await signIn(app, db, 'editor@rochdale.test');
    const url = '/partnerships/agma-cooperation';
    await editor.inject({ method: 'POST', url: `${url}/notes`, payload: { text: 'Members only, this' } });
    assert.match((await editor.inject(url)).body, /Members only, this/);
    assert.doesNotMatch((await app.inject(url)).body, /Members only, this/);
  });

  test('an error page on a kept route is sent whole, with its own nonce and token', async () => {
    const editor = await signIn(app, db, 'editor@rochdale.test');
    for (const url of ['/bodies/NOPE', '/partnerships/nope', '/bodies?page=abc']) {
      const res = await editor.inject(url);
      assert.ok(res.statusCode >= 400, url);
      assert.doesNotMatch(res.body, /pf-(form-token|nonce|submission)-/, url);
      const nonce = /'nonce-([a-f0-9]+)'/.exec(String(res.headers['content-security-policy']))?.[1];
      assert.match(res.body, new RegExp(`<script nonce="${nonce}">`), url);
    }
  });

  test('each showing of a kept page’s upload form has its own one-time submission number', async () => {
    const editor = await signIn(app, db, 'editor@rochdale.test');
    const numbers = [];
    for (let i = 0; i < 2; i++) {
      const page = (await editor.inject('/bodies/E08000005')).body;
      numbers.push(/name="submission" value="([^"]+)"/.exec(page)?.[1]);
    }
    assert.match(String(numbers[0]), /^[0-9a-f-]{36}$/);
    assert.notEqual(numbers[0], numbers[1]);
  });

  test('a browser that lost its form cookie is sent the page again, not 304', async () => {
    const editor = await signIn(app, db, 'editor@rochdale.test');
    const url = '/partnerships/agma-cooperation';
    const first = await editor.inject(url);
    const etag = String(first.headers.etag);
    const session = editor.jar
      .header()
      .split('; ')
      .filter((c) => c.startsWith('pathfinder_session='));
    const withCookie = await app.inject({
      url,
      headers: { cookie: editor.jar.header(), 'if-none-match': etag },
    });
    assert.equal(withCookie.statusCode, 304);
    const without = await app.inject({ url, headers: { cookie: session.join('; '), 'if-none-match': etag } });
    assert.equal(without.statusCode, 200);
    assert.match(String(without.headers['set-cookie']), /pathfinder_csrf=/);
  });

  test('using an API token keeps the pages kept for everyone else', async () => {
    const script = await signIn(app, db, 'editor@rochdale.test');
    // On PostgreSQL this process also hears its own commits announced, a moment after they end.
    let settled = db.dataVersion();
    for (let quiet = 0; quiet < 5; settled = db.dataVersion()) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      quiet = db.dataVersion() === settled ? quiet + 1 : 0;
    }
    // Each use of the token writes its last use: bookkeeping that no kept page shows.
    assert.equal((await script.inject('/api/v1/me')).statusCode, 200);
    assert.equal((await script.inject('/api/v1/partnerships')).statusCode, 200);
    assert.equal(db.dataVersion(), settled);
  });

  test(
    'a change committed by another process is heard, through the database',
    { skip: kind === 'pglite' ? 'the embedded database admits one process at a time' : false },
    async () => {
      assert.doesNotMatch((await app.inject('/api/v1/bodies/E08000005')).body, /Rochdale Borough/);
      const other = await openDatabase(target());
      try {
        await other.query(`UPDATE bodies SET name = 'Rochdale Borough' WHERE code = 'E08000005'`);
      } finally {
        await other.close();
      }
      const deadline = Date.now() + 5000;
      let body = '';
      while (Date.now() < deadline && !/Rochdale Borough/.test(body)) {
        body = (await app.inject('/api/v1/bodies/E08000005')).body;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.match(body, /Rochdale Borough/);
    },
  );
});
