import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { asSiteAdministrator, type Client } from '../helpers/accounts.js';
import { emptyRegister, forEachDatabase } from '../helpers/databases.js';
import { followUpload, multipartForm } from '../helpers/uploads.js';
import {
  claimImportJob,
  failUnfinishedImportJobs,
  findImportJob,
  startImportJob,
} from '../../src/store/import-jobs.js';

const OXFORD = 'E07000178';
const TRAFFORD = 'E08000009';

forEachDatabase('spend imports on the web and the API', (database) => {
  let app: FastifyInstance;
  let client: Client;
  before(async () => {
    await emptyRegister(database());
    await seedDemo(database());
    app = await buildApp({ db: database() });
    client = await asSiteAdministrator(app, database());
  });
  after(() => app.close());

  const upload = (code: string, name: string, content: string, fields: Record<string, string> = {}) =>
    client.inject({
      method: 'POST',
      url: `/api/v1/bodies/${code}/spend-imports`,
      ...multipartForm(fields, { name, content }),
    });
  // The client adds the form token, as the upload form's address carries it.
  const uploadPage = async (
    code: string,
    name: string,
    content: string,
    fields: Record<string, string> = {},
  ) =>
    followUpload(
      client,
      await client.inject({
        method: 'POST',
        url: `/bodies/${code}/spend-imports`,
        ...multipartForm(fields, { name, content }),
      }),
    );

  test('an import is removed from its page after a confirmation step, and from the API', async () => {
    const made = await upload(OXFORD, 'may.csv', 'Date,Supplier,Amount\n01/05/2024,Acme Ltd,100.00\n');
    const id = made.json().id;
    const report = (await client.inject(`/spend-imports/${id}`)).body;
    assert.match(report, new RegExp(`href="/bodies/${OXFORD}/spend-imports/${id}/remove"`));
    const confirm = await client.inject(`/bodies/${OXFORD}/spend-imports/${id}/remove`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Remove the import of may\.csv\?/);
    assert.match(confirm.body, /The 1 payments this import stored are removed/);
    const removed = await client.inject({
      method: 'POST',
      url: `/bodies/${OXFORD}/spend-imports/${id}/remove`,
    });
    assert.equal(removed.statusCode, 303);
    assert.equal(removed.headers.location, `/bodies/${OXFORD}?done=import-removed#spend`);
    assert.equal((await client.inject(`/api/v1/spend-imports/${id}`)).statusCode, 404);
    assert.match(
      (await client.inject(`/bodies/${OXFORD}?done=import-removed`)).body,
      /The import has been removed/,
    );

    const again = (
      await upload(OXFORD, 'june.csv', 'Date,Supplier,Amount\n01/06/2024,Acme Ltd,5.00\n')
    ).json();
    const deleted = await client.inject({
      method: 'DELETE',
      url: `/api/v1/bodies/${OXFORD}/spend-imports/${again.id}`,
    });
    assert.equal(deleted.statusCode, 200);
    assert.equal(deleted.json().file, 'june.csv');
    const elsewhere = await client.inject({
      method: 'DELETE',
      url: `/api/v1/bodies/${TRAFFORD}/spend-imports/${again.id}`,
    });
    assert.equal(elsewhere.statusCode, 404);
  });

  test('a failed import says why and what to do, lists refused rows and offers them all as CSV', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `00:00:00,Supplier ${i},${i + 1}.00`);
    const made = await uploadPage(
      OXFORD,
      'lost-dates.csv',
      `Paid Date,Supplier,Amount\n${rows.join('\n')}\n`,
    );
    assert.equal(made.statusCode, 303, made.body);
    const page = (await client.inject(made.headers.location as string)).body;
    assert.match(page, /<title>lost-dates\.csv could not be imported/);
    assert.match(page, /all 150 of its rows were refused/);
    assert.match(page, /Give the month the payments were made/);
    assert.match(page, /the first 100 of 150/);
    const csvHref = /href="(\/spend-imports\/\d+\/refused\.csv)"/.exec(page)?.[1] as string;
    const csv = await client.inject(csvHref);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const refused = parse(csv.body, { columns: true, bom: true });
    assert.equal(refused.length, 150);
    assert.deepEqual(refused[149], { Row: '151', Column: 'Paid Date', Reason: 'The date is missing' });
    const body = (await client.inject(`/bodies/${OXFORD}`)).body;
    assert.match(body, /Files that could not be imported/);
    const spendTable =
      /<table class="govuk-table">\s*<caption class="govuk-visually-hidden">Spend files imported[\s\S]*?<\/table>/.exec(
        body,
      )?.[0] ?? '';
    assert.doesNotMatch(spendTable, /lost-dates\.csv/, 'not listed as spend');
  });

  test('a file held for another body asks whether it is this body’s too', async () => {
    const content = 'Date,Supplier,Amount\n01/07/2024,Acme Ltd,7.00\n';
    assert.equal((await upload(OXFORD, 'shared.csv', content)).statusCode, 201);
    const asked = await uploadPage(TRAFFORD, 'shared.csv', content);
    assert.equal(asked.statusCode, 422);
    assert.match(asked.body, /already held for Oxford City Council/);
    assert.match(asked.body, /name="confirmOtherBody" type="checkbox" value="yes"/);
    const api = await upload(TRAFFORD, 'shared.csv', content);
    assert.equal(api.statusCode, 422);
    assert.equal(api.json().file, 'shared.csv');
    const confirmed = await uploadPage(TRAFFORD, 'shared.csv', content, { confirmOtherBody: 'yes' });
    assert.equal(confirmed.statusCode, 303);
  });

  test('a form sent twice makes one import, and a server that stopped says so of its import', async () => {
    const send = () =>
      client.inject({
        method: 'POST',
        url: `/bodies/${OXFORD}/spend-imports`,
        ...multipartForm(
          { submission: 'one-press-of-the-button' },
          { name: 'june.csv', content: 'Date,Supplier,Amount\n01/06/2024,Twice Ltd,250.00\n' },
        ),
      });
    const [first, second] = [await send(), await send()];
    assert.equal(first.statusCode, 303);
    assert.equal(second.headers.location, first.headers.location, 'the second press finds the first job');
    const ended = await followUpload(client, first);
    assert.match(String(ended.headers.location), /^\/spend-imports\/\d+\?done=imported$/);
    assert.equal((await followUpload(client, await send())).headers.location, ended.headers.location);
    const imports = (await client.inject(`/api/v1/bodies/${OXFORD}/spend-imports`)).json().items;
    assert.equal(imports.filter((i: { file: string }) => i.file === 'june.csv').length, 1);

    // A job a server left running (it was killed during the import) is ended by the next server.
    const job = {
      id: '00000000-0000-4000-8000-000000000001',
      bodyCode: OXFORD,
      bodyName: 'Oxford City Council',
      file: 'cut-off.csv',
      submittedBy: 'admin@pathfinder.test',
      state: 'running' as const,
      form: {},
      submittedAt: new Date().toISOString(),
    };
    await startImportJob(database(), job);
    const restarted = await buildApp({ db: database() });
    try {
      const page = await followUpload(client, {
        statusCode: 303,
        body: '',
        headers: { location: `/spend-import-jobs/${job.id}` },
      });
      assert.equal(page.statusCode, 422);
      assert.match(page.body, /The server stopped before this import finished, so nothing of it was stored/);
    } finally {
      await restarted.close();
    }

    // On PostgreSQL a second server may start beside a live one: a job still being imported (its row
    // locked by the import's transaction) is left to the server importing it.
    if (database().kind !== 'postgres') return;
    const live = { ...job, id: '00000000-0000-4000-8000-000000000002', file: 'live.csv' };
    await startImportJob(database(), live);
    let claimed!: () => void;
    let finish!: () => void;
    const importing = database().transaction(async (tx) => {
      await claimImportJob(tx, live.id);
      claimed();
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await new Promise<void>((resolve) => (claimed = resolve));
    await failUnfinishedImportJobs(database());
    assert.equal((await findImportJob(database(), { id: live.id }))?.state, 'running');
    finish();
    await importing;
    await failUnfinishedImportJobs(database());
    assert.equal((await findImportJob(database(), { id: live.id }))?.state, 'failed');
  });
});
