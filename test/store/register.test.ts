import { FULL_ACCESS } from '../../src/domain/access.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { beforeEach, test } from 'node:test';
import { seedDemo } from '../../src/demo/seed.js';
import { ConflictError, type InputError } from '../../src/domain/errors.js';
import { partnershipToInput } from '../../src/domain/partnerships.js';
import { registerDocument } from '../../src/domain/register.js';
import { readBodyRegister } from '../../src/ingest/body-register.js';
import { deleteBody, getBody, importBodies, listBodies, saveBody } from '../../src/store/bodies.js';
import { openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { getPartnership, listPartnerships, savePartnership } from '../../src/store/partnerships.js';
import { listProjects, saveProject } from '../../src/store/projects.js';
import { exportRegister, importRegister } from '../../src/store/register.js';
import { emptyRegister, forEachDatabase, hasSharedData, sharedData } from '../helpers/databases.js';

const page = { page: 1, perPage: 500 };

forEachDatabase('register store', (database) => {
  beforeEach(() => emptyRegister(database()));

  test(
    'loads the real local-authority register idempotently, with parents and successors',
    {
      skip: !hasSharedData,
    },
    async () => {
      const db = database();
      const file = join(sharedData, 'reference', 'uk_local_authorities.csv');
      const records = readBodyRegister(readFileSync(file, 'utf8'), file);
      assert.deepEqual(await importBodies(db, records), { created: 470, updated: 0 });
      assert.deepEqual(await importBodies(db, records), { created: 0, updated: 470 });
      assert.equal((await listBodies(db, {}, page)).total, 470);

      const northants = await getBody(db, 'E10000021');
      assert.deepEqual(
        northants.successors.map((s) => s.name),
        ['North Northamptonshire Council', 'West Northamptonshire Council'],
      );
      const forestHeath = await getBody(db, 'E07000201');
      assert.deepEqual(
        forestHeath.successors.map((s) => s.code),
        ['E07000245'],
      );
      assert.equal((await getBody(db, 'E07000238')).parent?.name, 'Worcestershire County Council');
      const former = await listBodies(db, { status: 'former', q: 'dorset' }, page);
      assert.deepEqual(former.items.map((b) => b.name).sort(), [
        'Dorset County Council',
        'East Dorset District Council',
        'North Dorset District Council',
        'West Dorset District Council',
      ]);
      // Found by an alternative name as well as by its official one.
      assert.ok((await listBodies(db, { q: 'darwen ua' }, page)).items.some((b) => b.code === 'E06000008'));
    },
  );

  test('the demo register loads once, with the news facts', async () => {
    const db = database();
    assert.equal(await seedDemo(db), true);
    assert.equal(await seedDemo(db), false);
    const agma = await getPartnership(db, 'agma-cooperation', FULL_ACCESS);
    assert.equal(agma.members.length, 15);
    assert.equal(agma.members[0]?.bodyName, 'Rochdale Metropolitan Borough Council');
    assert.equal(agma.members[0]?.role, 'lead');
    assert.equal(agma.projects.length, 13);
    assert.equal(agma.governance.find((g) => g.role === 'chair')?.person, 'Roger Ellis, chief executive');
    const triCouncil = await listPartnerships(db, { member: 'E06000051' }, page, FULL_ACCESS);
    assert.deepEqual(
      triCouncil.items.map((p) => p.slug),
      ['tri-council'],
    );
    const westSuffolk = await getBody(db, 'E07000245');
    assert.ok(westSuffolk.startDate === '2019-04-01');
    assert.deepEqual(
      (
        await listPartnerships(db, { service: 'trading_standards', region: 'Wales' }, page, FULL_ACCESS)
      ).items.map((p) => p.slug),
      ['shared-regulatory-services'],
    );
  });

  test('export and import round-trip the whole register into an empty database', async () => {
    const db = database();
    await seedDemo(db);
    const exported = await exportRegister(db, FULL_ACCESS);
    const fresh = await openDatabase();
    try {
      await migrate(fresh);
      await importRegister(fresh, registerDocument.parse(JSON.parse(JSON.stringify(exported))));
      assert.deepEqual(await exportRegister(fresh, FULL_ACCESS), exported);
      // Importing again changes nothing.
      await importRegister(fresh, registerDocument.parse(exported));
      assert.deepEqual(await exportRegister(fresh, FULL_ACCESS), exported);
    } finally {
      await fresh.close();
    }
  });

  test('an import with one bad record stores nothing of itself', async () => {
    const db = database();
    await seedDemo(db);
    const before = await exportRegister(db, FULL_ACCESS);
    const doc = registerDocument.parse({
      bodies: [{ code: 'E99999999', name: 'New Council', kind: 'unitary', nation: 'England' }],
      partnerships: [
        { name: 'Fine partnership', kind: 'shared_service', members: [{ bodyCode: 'E99999999' }] },
        {
          name: 'Broken partnership',
          kind: 'shared_service',
          members: [{ bodyCode: 'E08000005' }, { bodyCode: 'NOPE' }],
        },
      ],
    });
    await assert.rejects(importRegister(db, doc), (error: InputError) => {
      assert.deepEqual(error.problems, [
        { field: 'partnerships.1.members.1.bodyCode', message: 'No body has the code NOPE' },
      ]);
      return true;
    });
    assert.deepEqual(await exportRegister(db, FULL_ACCESS), before);
  });

  test('refuses duplicate codes and deleting a body the register uses', async () => {
    const db = database();
    await seedDemo(db);
    await assert.rejects(
      saveBody(
        db,
        { code: 'E08000005', name: 'Copy of Rochdale', kind: 'metropolitan_district', nation: 'England' },
        { create: true },
      ),
      ConflictError,
    );
    await assert.rejects(
      deleteBody(db, 'E08000005'),
      /cannot be deleted while the register uses it: AGMA co-operation/,
    );
    await saveBody(
      db,
      { code: 'TEST', name: 'Test body', kind: 'other', nation: 'England', neighbourCodes: ['E08000005'] },
      { create: true },
    );
    assert.ok(
      (await getBody(db, 'E08000005')).neighbours.some((n) => n.code === 'TEST'),
      'neighbours are symmetric',
    );
    await deleteBody(db, 'TEST');
    assert.ok(!(await getBody(db, 'E08000005')).neighbours.some((n) => n.code === 'TEST'));
  });

  test('editing a partnership keeps its projects; a project name is unique within it', async () => {
    const db = database();
    await seedDemo(db);
    const p = await getPartnership(db, 'tri-council', FULL_ACCESS);
    await savePartnership(db, { ...partnershipToInput(p), status: 'ended' }, { update: 'tri-council' });
    const after = await getPartnership(db, 'tri-council', FULL_ACCESS);
    assert.equal(after.status, 'ended');
    assert.equal(after.projects.length, 5);
    await assert.rejects(
      saveProject(
        db,
        { name: 'IT services', service: 'it', stage: 'idea', description: '', draft: false },
        { partnership: 'tri-council' },
      ),
      ConflictError,
    );
    const id = await saveProject(
      db,
      {
        name: 'Joint fleet',
        service: 'fleet',
        stage: 'feasibility',
        description: '',
        draft: false,
        leadBodyCode: 'E10000034',
      },
      { partnership: 'tri-council' },
    );
    const [project] = await listProjects(db, { body: 'E10000034', service: 'fleet' }, FULL_ACCESS);
    assert.equal(project?.id, id);
    assert.equal(project?.leadBodyName, 'Worcestershire County Council');
  });
});

test(
  'the demo bodies carry the official codes and names of the local-authority register',
  { skip: !hasSharedData },
  () => {
    const register = new Map(
      (
        parse(readFileSync(join(sharedData, 'reference', 'uk_local_authorities.csv')), {
          columns: true,
          bom: true,
        }) as Record<string, string>[]
      ).map((r) => [r['local-authority-code'], r]),
    );
    const demo = registerDocument.parse(
      JSON.parse(readFileSync(new URL('../../src/demo/register.json', import.meta.url), 'utf8')),
    );
    const councils = demo.bodies.filter((b) => b.registryCode);
    assert.ok(councils.length >= 40);
    for (const body of councils) {
      const row = register.get(body.registryCode as string);
      assert.equal(body.code, row?.['gss-code'], body.name);
      assert.equal(body.name, row?.['official-name']);
    }
  },
);
