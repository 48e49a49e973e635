import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { anonymous, type Client, quietMail, signIn } from '../helpers/accounts.js';
import { makeUser } from '../helpers/factories.js';
import { SHARED_REVENUES_CASE } from '../helpers/factories.js';
import { emptyRegister, forEachDatabase } from '../helpers/databases.js';

const P = 'wychavon-malvern-hills-shared-chief-executive';

forEachDatabase('audit trail', (database) => {
  let app: FastifyInstance;
  let editor: Client;

  before(async () => {
    const db = database();
    await emptyRegister(db);
    await seedDemo(db);
    app = await buildApp({ db, mail: quietMail() });
    await makeUser(db, { email: 'editor@wychavon.test', bodyCode: 'E07000238', role: 'editor' });
    await makeUser(db, { email: 'viewer@trafford.test', bodyCode: 'E08000009', role: 'viewer' });
    await makeUser(db, { email: 'admin@pathfinder.test', role: 'administrator', siteAdmin: true });
    editor = await signIn(app, db, 'editor@wychavon.test');
  });
  after(() => app.close());

  const events = async () =>
    (await database().query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events'))[0]?.n;

  test('a change keeps who, when, and the record before and after; a refused one keeps nothing', async () => {
    const edit = (await editor.inject(`/partnerships/${P}/edit`)).body;
    assert.match(edit, /Wychavon/);
    const before = await events();
    const refused = await editor.inject({
      method: 'POST',
      url: `/partnerships/${P}/edit`,
      payload: { name: 'x', kind: 'shared_management', status: 'active' },
    });
    assert.equal(refused.statusCode, 422);
    assert.equal(await events(), before, 'a refused change is not in the trail');

    const saved = await editor.inject({
      method: 'POST',
      url: `/partnerships/${P}/edit`,
      payload: {
        name: 'Wychavon and Malvern Hills shared chief executive',
        kind: 'shared_management',
        status: 'ended',
        description: 'Ended by the councils',
      },
    });
    assert.equal(saved.statusCode, 303);
    const [event] = await database().query<{
      actor: string;
      action: string;
      at: string;
      before: { status: string };
      after: { status: string; description: string };
    }>(
      `SELECT actor, action, at, before, after FROM audit_events WHERE record_type = 'partnership' ORDER BY id DESC LIMIT 1`,
    );
    assert.equal(event?.actor, 'editor@wychavon.test');
    assert.equal(event?.action, 'update');
    assert.equal(event?.before.status, 'active');
    assert.equal(event?.after.status, 'ended');
    assert.ok(Date.now() - new Date(event?.at as string).getTime() < 60_000);

    const page = (await editor.inject(`/partnerships/${P}`)).body;
    assert.match(page, /Recent changes/);
    assert.match(page, /<strong>Status<\/strong>: active → ended/);
    const csv: Record<string, string>[] = parse(
      (await editor.inject(`/partnerships/${P}/history?format=csv`)).body,
      {
        columns: true,
      },
    );
    const row = csv.find((r) => r['Fields changed']?.includes('Status'));
    assert.equal(row?.Who, 'editor@wychavon.test');
    assert.equal(JSON.parse(row?.Before ?? '{}').status, 'active');
    assert.equal(JSON.parse(row?.After ?? '{}').status, 'ended');
  });

  test('a business case keeps its history on its own page, for members only', async () => {
    const admin = await signIn(app, database(), 'admin@pathfinder.test');
    const created = await admin.inject({
      method: 'POST',
      url: '/api/v1/business-cases',
      payload: SHARED_REVENUES_CASE,
    });
    const id = created.json().id;
    await admin.inject({
      method: 'PUT',
      url: `/api/v1/business-cases/${id}`,
      payload: { ...SHARED_REVENUES_CASE, runningPence: 160_000_000 },
    });
    const page = (await editor.inject(`/business-cases/${id}`)).body;
    assert.match(page, /Changes to this business case/);
    assert.match(page, /<strong>Running<\/strong>: £1,700,000 → £1,600,000/);
    assert.match(page, /admin@pathfinder\.test/);
    const outsider = await signIn(app, database(), 'viewer@trafford.test');
    // A public change, which any signed-in user may see.
    await admin.inject({
      method: 'PATCH',
      url: '/api/v1/bodies/E07000238',
      payload: { population: 130_000 },
    });
    // A site administrator's own account change (no body) is not for everyone either.
    await admin.inject({
      method: 'POST',
      url: '/account/tokens',
      payload: { name: 'Nightly export', scopes: 'read' },
    });
    const trail = (await outsider.inject('/api/v1/audit')).json().items;
    assert.ok(trail.length > 0, 'an outsider sees the public changes');
    assert.ok(
      trail.every(
        (e: { recordType: string }) =>
          !['business_case', 'partnership', 'user', 'api_token'].includes(e.recordType),
      ),
      'but none to the partnership’s records, nor to anyone’s account',
    );
    const seenByAdmin = (await admin.inject('/api/v1/audit?recordType=api_token')).json().items;
    assert.ok(seenByAdmin.some((e: { recordName: string }) => e.recordName === 'Nightly export'));
  });

  test('a body’s changes show on its page to signed-in users, never to visitors', async () => {
    const admin = await signIn(app, database(), 'admin@pathfinder.test');
    const body = (await admin.inject('/api/v1/bodies/E07000235')).json();
    await admin.inject({
      method: 'PATCH',
      url: '/api/v1/bodies/E07000235',
      payload: { population: body.population + 100 },
    });
    const signedIn = (await editor.inject('/bodies/E07000235')).body;
    assert.match(
      signedIn,
      new RegExp(`<strong>Population</strong>: ${body.population} → ${body.population + 100}`),
    );
    const visitor = (await (await anonymous(app)).inject('/bodies/E07000235')).body;
    assert.doesNotMatch(visitor, /Changes to this body/);
    assert.doesNotMatch(visitor, /admin@pathfinder\.test/);
  });
});
