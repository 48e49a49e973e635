import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { emptyRegister, forEachDatabase, needsSharedData, sharedData } from '../helpers/databases.js';
import { asSiteAdministrator, type Client } from '../helpers/accounts.js';
import { followUpload, multipartForm as form } from '../helpers/uploads.js';

forEachDatabase('spend API and pages', (database) => {
  let app: FastifyInstance;
  let client: Client;
  before(async () => {
    await emptyRegister(database());
    await seedDemo(database());
    app = await buildApp({ db: database() });
    client = await asSiteAdministrator(app, database());
  });
  after(() => app.close());

  test(
    'uploads a real spend file and reports on it, in JSON and on the body’s page',
    needsSharedData,
    async () => {
      const content = readFileSync(join(sharedData, 'spend-samples', 'oxford-city-jul-sep-2017.csv'));
      const res = await client.inject({
        method: 'POST',
        url: '/api/v1/bodies/E07000178/spend-imports',
        ...form({}, { name: 'oxford-city-jul-sep-2017.csv', content }),
      });
      assert.equal(res.statusCode, 201, res.body);
      const report = res.json();
      assert.deepEqual(
        [report.file, report.accepted, report.rejected, report.totalPence],
        ['oxford-city-jul-sep-2017.csv', 3259, 0, 1_134_400_535],
      );
      assert.equal((await client.inject(`/api/v1/spend-imports/${report.id}`)).json().accepted, 3259);
      const listed = (await client.inject('/api/v1/bodies/E07000178/spend-imports')).json();
      assert.deepEqual(
        listed.items.map((i: { id: number }) => i.id),
        [report.id],
      );
      const page = (await client.inject('/bodies/E07000178')).body;
      assert.match(page, /oxford-city-jul-sep-2017\.csv/);
      assert.match(page, /£11,344,005\.35/);
      const reportPage = (await client.inject(`/spend-imports/${report.id}`)).body;
      assert.match(reportPage, /Supplier name<\/th><td class="govuk-table__cell">Supplier Name/);
    },
  );

  test('the upload form explains a file it cannot read, and stores nothing', async () => {
    const before = (await client.inject('/api/v1/bodies/E08000005/spend-imports')).json().items.length;
    const res = await followUpload(
      client,
      await client.inject({
        method: 'POST',
        url: '/bodies/E08000005/spend-imports',
        ...form({ month: '' }, { name: 'minutes.csv', content: 'Agenda item,Decision\n1,Agreed\n' }),
      }),
    );
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /govuk-error-summary/);
    assert.match(res.body, /minutes\.csv: No header row found in the first 30 rows/);
    const none = await client.inject({
      method: 'POST',
      url: '/bodies/E08000005/spend-imports',
      ...form({ month: '' }),
    });
    assert.match(none.body, /Choose a spend file to upload/);
    assert.equal((await client.inject('/api/v1/bodies/E08000005/spend-imports')).json().items.length, before);
  });

  test('asks which column holds the amount when it cannot tell, and remembers the answer', async () => {
    const file = (month: string) => ({
      name: `trafford-${month}.csv`,
      content: `Date Paid,Payee,Directorate,Sum Paid\n03/${month}/2024,Acme Care Ltd,Adults,"1,250.00"\n`,
    });
    const refused = await followUpload(
      client,
      await client.inject({
        method: 'POST',
        url: '/bodies/E08000009/spend-imports',
        ...form({ month: '' }, file('05')),
      }),
    );
    assert.equal(refused.statusCode, 422);
    // The columns page offers the file's own headings, with the missing field marked against its select.
    assert.match(
      refused.body,
      /<a href="#column-amount">Amount: No column for this; name the column that holds it<\/a>/,
    );
    assert.match(refused.body, /<option value="Sum Paid">Sum Paid<\/option>/);
    assert.match(refused.body, /As found: Payee/);
    assert.equal((await client.inject('/api/v1/bodies/E08000009/spend-imports')).json().items.length, 0);

    const chosen = await followUpload(
      client,
      await client.inject({
        method: 'POST',
        url: '/bodies/E08000009/spend-imports',
        ...form({ 'column.amount': 'Sum Paid', 'column.supplierName': '' }, file('05')),
      }),
    );
    assert.equal(chosen.statusCode, 303, chosen.body);
    assert.match(String(chosen.headers.location), /^\/spend-imports\/\d+\?done=imported$/);
    // Next month's file imports without questions, and the columns page shows the saved choice.
    const api = await client.inject({
      method: 'POST',
      url: '/api/v1/bodies/E08000009/spend-imports',
      ...form({}, file('06')),
    });
    assert.equal(api.statusCode, 201, api.body);
    assert.deepEqual([api.json().accepted, api.json().totalPence], [1, 125_000]);
    const columns = (await client.inject('/bodies/E08000009/spend-columns')).body;
    assert.match(columns, /trafford-06\.csv/);
    assert.match(columns, /<option value="Sum Paid" selected>Sum Paid<\/option>/);
  });
});
