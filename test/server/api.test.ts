import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { POLICIES } from '../../src/server/policies.js';
import { emptyRegister, forEachDatabase } from '../helpers/databases.js';
import { makePartnership } from '../helpers/factories.js';
import { asSiteAdministrator, type Client } from '../helpers/accounts.js';

forEachDatabase('API', (database) => {
  let app: FastifyInstance;
  let client: Client;
  before(async () => {
    app = await buildApp({ db: database() });
  });
  after(() => app.close());
  beforeEach(async () => {
    await emptyRegister(database());
    await seedDemo(database());
    client = await asSiteAdministrator(app, database());
  });

  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const res = await client.inject({ method, url, ...(payload ? { payload } : {}) });
    return {
      status: res.statusCode,
      body: res.body ? JSON.parse(res.body) : undefined,
      headers: res.headers,
    };
  };

  test('lists bodies with filters and paging', async () => {
    const gm = await call(
      'GET',
      '/api/v1/bodies?region=North+West&kind=metropolitan_district&perPage=4&page=2',
    );
    assert.equal(gm.status, 200);
    assert.equal(gm.body.total, 10);
    assert.deepEqual(
      gm.body.items.map((b: { name: string }) => b.name),
      [
        'Rochdale Metropolitan Borough Council',
        'Salford City Council',
        'Stockport Metropolitan Borough Council',
        'Tameside Metropolitan Borough Council',
      ],
    );
    const former = await call('GET', '/api/v1/bodies?status=former&kind=police');
    assert.deepEqual(
      former.body.items.map((b: { code: string }) => b.code),
      ['GMPA', 'GMPCC'],
    );
    // A search for "%" or "_" looks for those characters, not for anything at all.
    assert.equal((await call('GET', '/api/v1/bodies?q=%25')).body.total, 0);
    assert.equal((await call('GET', '/api/v1/partnerships?q=_')).body.total, 0);
    assert.equal((await call('GET', '/api/v1/partnerships?q=tri-council')).body.total, 2);
    const bad = await call('GET', '/api/v1/bodies?kind=parish&perPage=1000');
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.problems.map((p: { field: string }) => p.field).sort(), ['kind', 'perPage']);
  });

  test('creates, reads, updates and deletes a body', async () => {
    const created = await call('POST', '/api/v1/bodies', {
      code: 'e06000099',
      name: 'Example Unitary Council',
      kind: 'unitary',
      nation: 'England',
      region: 'North West',
      neighbourCodes: ['E08000009'],
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.location, '/api/v1/bodies/E06000099');
    assert.deepEqual(created.body.neighbours, [
      { code: 'E08000009', name: 'Trafford Metropolitan Borough Council' },
    ]);

    const patched = await call('PATCH', '/api/v1/bodies/E06000099', {
      population: 1234,
      endDate: '2025-03-31',
    });
    assert.equal(patched.body.population, 1234);
    assert.equal(patched.body.name, 'Example Unitary Council');
    assert.equal(patched.body.neighbours.length, 1, 'a patch keeps the lists it does not mention');

    const duplicate = await call('POST', '/api/v1/bodies', {
      code: 'E06000099',
      name: 'Again',
      kind: 'unitary',
      nation: 'England',
    });
    assert.equal(duplicate.status, 409);
    assert.match(duplicate.body.error, /E06000099 already exists/);

    const invalid = await call('PUT', '/api/v1/bodies/E06000099', {
      code: 'E06000099',
      name: 'X',
      kind: 'unitary',
      nation: 'England',
      parentCode: 'ZZZ',
    });
    assert.equal(invalid.status, 422);
    assert.deepEqual(invalid.body.problems, [{ field: 'name', message: 'Enter the body’s name' }]);
    const unknownParent = await call('PUT', '/api/v1/bodies/E06000099', {
      code: 'E06000099',
      name: 'Example',
      kind: 'unitary',
      nation: 'England',
      parentCode: 'ZZZ',
    });
    assert.deepEqual(unknownParent.body.problems, [
      { field: 'parentCode', message: 'No body has the code ZZZ' },
    ]);
    assert.equal(
      (await call('GET', '/api/v1/bodies/E06000099')).body.name,
      'Example Unitary Council',
      'a refused update changes nothing',
    );

    assert.equal((await call('DELETE', '/api/v1/bodies/E06000099')).status, 204);
    assert.equal((await call('GET', '/api/v1/bodies/E06000099')).status, 404);
    assert.equal((await call('DELETE', '/api/v1/bodies/E08000005')).status, 409);
  });

  const FLEET = '/api/v1/partnerships/greater-manchester-joint-fleet';
  /** A partnership of Bolton (lead) and Bury, made by the store: the tests below are about the API's other routes. */
  const fleet = () =>
    makePartnership(database(), [], {
      name: 'Greater Manchester joint fleet',
      kind: 'joint_procurement',
      services: ['fleet'],
      members: [{ bodyCode: 'E08000001', role: 'lead' }, { bodyCode: 'E08000002' }],
    });

  test('creates a partnership with its members and savings claims', async () => {
    const created = await call('POST', '/api/v1/partnerships', {
      name: 'Greater Manchester joint fleet',
      kind: 'joint_procurement',
      services: ['fleet'],
      members: [{ bodyCode: 'E08000001', role: 'lead' }, { bodyCode: 'E08000002' }],
      savingsClaims: [
        { amountPence: 130_000_000, period: 'per year', sourceUrl: 'https://example.org/fleet' },
      ],
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.slug, 'greater-manchester-joint-fleet');
    assert.equal(created.body.members.length, 2);
    assert.deepEqual(created.body.savingsClaims[0], {
      amountPence: 130_000_000,
      period: 'per year',
      description: '',
      sourceUrl: 'https://example.org/fleet',
      status: 'claimed',
      confidential: false,
    });
  });

  test('adds a member with a role, by a code in any case, and removes one', async () => {
    await fleet();
    const added = await call('PUT', `${FLEET}/members/e08000009`, { role: 'associate' });
    assert.deepEqual(
      added.body.members.map((m: { bodyCode: string; role: string }) => `${m.bodyCode}:${m.role}`),
      ['E08000001:lead', 'E08000002:member', 'E08000009:associate'],
    );
    assert.equal((await call('DELETE', `${FLEET}/members/E08000002`)).status, 204);
    const after = await call('GET', FLEET);
    assert.deepEqual(
      after.body.members.map((m: { bodyCode: string }) => m.bodyCode),
      ['E08000001', 'E08000009'],
    );
  });

  test('adds a project and moves it on a stage; refuses a bad one naming each field', async () => {
    await fleet();
    const project = await call('POST', `${FLEET}/projects`, {
      name: 'Vehicle framework',
      service: 'fleet',
      leadBodyCode: 'E08000001',
      stage: 'business_case',
    });
    assert.equal(project.status, 201);
    const moved = await call('PATCH', `/api/v1/projects/${project.body.id}`, { stage: 'approved' });
    assert.equal(moved.body.stage, 'approved');
    assert.equal(moved.body.leadBodyName, 'Bolton Metropolitan Borough Council');

    const badProject = await call('POST', `${FLEET}/projects`, { name: 'X', service: 'magic' });
    assert.equal(badProject.status, 422);
    assert.deepEqual(
      badProject.body.problems.map((p: { field: string }) => p.field),
      ['name', 'service'],
    );
  });

  test('a partnership changed in part keeps its members and projects, and its filters find it', async () => {
    await fleet();
    await call('POST', `${FLEET}/projects`, { name: 'Vehicle framework', service: 'fleet' });
    const patched = await call('PATCH', FLEET, { status: 'ended', endDate: '2026-03-31' });
    assert.equal(patched.body.status, 'ended');
    assert.equal(patched.body.members.length, 2);
    assert.equal(patched.body.projects.length, 1);

    const listed = await call(
      'GET',
      '/api/v1/partnerships?service=fleet&member=E08000002&kind=joint_procurement',
    );
    assert.deepEqual(
      listed.body.items.map((p: { slug: string }) => p.slug),
      ['greater-manchester-joint-fleet'],
    );
  });

  test('deleting a partnership deletes its projects', async () => {
    await fleet();
    const project = await call('POST', `${FLEET}/projects`, { name: 'Vehicle framework', service: 'fleet' });
    assert.equal((await call('DELETE', FLEET)).status, 204);
    assert.equal((await call('GET', FLEET)).status, 404);
    assert.equal((await call('GET', `/api/v1/projects/${project.body.id}`)).status, 404);
  });

  test('exports the register as JSON and as CSV with formulas neutralised', async () => {
    await call('POST', '/api/v1/partnerships', {
      name: 'Formula test',
      kind: 'shared_service',
      description: '=HYPERLINK("http://evil")',
    });
    const json = await call('GET', '/api/v1/register');
    assert.equal(json.body.partnerships.length, 11);
    const csv = await client.inject({ method: 'GET', url: '/api/v1/register.csv' });
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    const rows = parse(csv.body, { columns: true, bom: true }) as Record<string, string>[];
    assert.equal(rows.length, 11);
    assert.equal(rows.find((r) => r.slug === 'formula-test')?.description, `'=HYPERLINK("http://evil")`);
    assert.equal(
      rows.find((r) => r.slug === 'north-lincolnshire-shared-back-office')?.savings_claimed_pounds,
      '12600000.00',
    );
    const projects = parse((await client.inject({ url: '/api/v1/register.csv?table=projects' })).body, {
      columns: true,
      bom: true,
    });
    assert.equal(projects.length, 19);
  });

  test('imports a register document through the API, all or nothing', async () => {
    const bad = await call('POST', '/api/v1/register', {
      partnerships: [{ name: 'Orphan', kind: 'merger', members: [{ bodyCode: 'NOWHERE' }] }],
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.problems, [
      { field: 'partnerships.0.members.0.bodyCode', message: 'No body has the code NOWHERE' },
    ]);
    assert.equal((await call('GET', '/api/v1/partnerships?q=Orphan')).body.total, 0);
  });

  test('publishes an OpenAPI document that covers every API route', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json')).body;
    assert.equal(doc.openapi, '3.1.0');
    const validity = await new Validator().validate(doc);
    assert.ok(validity.valid, JSON.stringify(validity.errors, null, 2));
    const documented = new Set(
      Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    for (const operation of documented) {
      const [method, url] = operation.split(' ') as [string, string];
      assert.ok(app.hasRoute({ method, url }), `${operation} is documented but not served`);
    }
    // Every API route has an access policy (the app will not start without one), so the policies list them all.
    for (const route of Object.keys(POLICIES).filter((r) => r.includes(' /api/'))) {
      assert.ok(documented.has(route), `${route} is documented in ${[...documented].join(', ')}`);
    }
    // Described from the schemas the routes check requests against: parameters, bodies and answers.
    const listBodies = doc.paths['/api/v1/bodies'].get;
    const kind = listBodies.parameters.find((p: { name: string }) => p.name === 'kind');
    assert.ok(kind.schema.enum.includes('district'));
    assert.equal(
      listBodies.responses['422'].content['application/json'].schema.$ref,
      '#/components/schemas/Error',
    );
    const newProject = doc.paths['/api/v1/partnerships/{slug}/projects'].post;
    assert.deepEqual(
      newProject.parameters.map((p: { name: string; in: string }) => `${p.in} ${p.name}`),
      ['path slug'],
    );
    assert.equal(
      newProject.requestBody.content['application/json'].schema.$ref,
      '#/components/schemas/ProjectInput',
    );
    const upload = doc.paths['/api/v1/bodies/{code}/spend-imports'].post.requestBody.content;
    assert.equal(upload['multipart/form-data'].schema.properties.file.format, 'binary');
    assert.ok(doc.components.schemas.PartnershipInput.properties.kind.enum.includes('shared_service'));
  });
});
