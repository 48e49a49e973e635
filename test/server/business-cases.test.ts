import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { SHARED_REVENUES_CASE } from '../helpers/factories.js';
import { emptyRegister, forEachDatabase } from '../helpers/databases.js';
import { asSiteAdministrator, type Client } from '../helpers/accounts.js';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { formatPounds } from '../../src/domain/money.js';
import { describeBusinessCase } from '../../src/cli/business-case-report.js';
import { businessCaseReport } from '../../src/services/business-case.js';

const CASE = SHARED_REVENUES_CASE;
const form = (fields: Record<string, string>) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

forEachDatabase('business cases', (database) => {
  let app: FastifyInstance;
  let client: Client;
  before(async () => {
    await emptyRegister(database());
    await seedDemo(database());
    app = await buildApp({ db: database() });
    client = await asSiteAdministrator(app, database());
  });
  after(() => app.close());

  test('through the API: populations from the directory, results, the worse-off check and its fix', async () => {
    const created = await client.inject({ method: 'POST', url: '/api/v1/business-cases', payload: CASE });
    assert.equal(created.statusCode, 201, created.body);
    const r = created.json();
    // Split by the directory's populations (131,084 and 79,445): 62.26% and 37.74% of £1.7m, to the penny.
    assert.deepEqual(
      r.result.partners.map((p: { runningSharePence: number }) => p.runningSharePence),
      [105_848_980, 64_151_020],
    );
    assert.equal(
      r.result.partners[0].runningSharePence + r.result.partners[1].runningSharePence,
      170_000_000,
    );
    // Malvern Hills pays £641,539 for a service that cost it £800,000: it saves; Wychavon saves £141,539.
    assert.deepEqual(r.result.worseOff, []);
    assert.equal(r.result.npvPence, 30_000_000 * 0.5 + 30_000_000 * 4 - 20_000_000);
    assert.equal(r.result.paybackYear, 2);
    assert.equal(r.sensitivity.length, 4);
    // Split equally instead, Wychavon gains £350,000 a year and Malvern Hills loses £50,000.
    const equal = await client.inject({
      method: 'PUT',
      url: `/api/v1/business-cases/${r.id}`,
      payload: { ...CASE, running: { method: 'equal' } },
    });
    assert.deepEqual(equal.json().result.worseOff, ['E07000235']);
    assert.match(
      equal.json().result.repairs[0],
      /An annual payment of £[\d,]+ to Malvern Hills District Council/,
    );
    assert.match((await client.inject(`/business-cases/${r.id}`)).body, /Not every partner is better off/);
    // A case may belong to one of its partnership's projects, and to no other partnership's.
    const [elsewhere] = (await client.inject('/api/v1/projects?partnership=agma-cooperation')).json().items;
    const wrongProject = await client.inject({
      method: 'PUT',
      url: `/api/v1/business-cases/${r.id}`,
      payload: { ...CASE, projectId: elsewhere.id },
    });
    assert.equal(wrongProject.statusCode, 422);
    assert.equal(wrongProject.json().problems[0].field, 'projectId');
    const csv = await client.inject(`/business-cases/${r.id}/export?table=partners`);
    assert.match(csv.body, /E07000235,Malvern Hills District Council,1,5,800000,850000,-50000/);
  });

  test('the API, the page, the terminal and the downloads give the same figures', async () => {
    // Set-up costs before go-live, double running, optimism bias, and Malvern Hills's own exit costs.
    const created = await client.inject({
      method: 'POST',
      url: '/api/v1/business-cases',
      payload: {
        ...CASE,
        oneOffs: [
          { year: 0, kind: 'it', amountPence: 20_000_000 },
          { year: 1, kind: 'exit', amountPence: 3_000_000, bodyCode: 'E07000235' },
        ],
        doubleRunningMonths: 3,
        optimismBias: { costPercent: 10, delayMonths: 3 },
        horizonYears: 10,
        discountPercent: 3.5,
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const r = created.json();
    assert.equal(r.result.cash.npvPence, r.result.npvPence);
    assert.equal(r.result.years[0].oneOffPence, 22_000_000);
    const page = (await client.inject(`/business-cases/${r.id}`)).body;
    const terminal = describeBusinessCase(await businessCaseReport(database(), r.id));
    const figures = [
      r.result.npvPence,
      r.result.steadySavingPence,
      ...r.result.partners.map((p: { npvPence: number }) => p.npvPence),
    ].map(formatPounds);
    for (const figure of figures) {
      assert.ok(page.includes(figure), `the page shows ${figure}`);
      assert.ok(terminal.includes(figure), `the terminal shows ${figure}`);
    }
    const running = r.switchingValues.find((v: { input: string }) => v.input === 'Running cost');
    assert.ok(page.includes(`up ${running.case}%`));
    assert.ok(terminal.includes(`the case stops saving beyond up ${running.case}%`));
    assert.match(page, /Real terms: every figure is in today’s prices, discounted at 3.5%/);
    // The downloads: the CSV's figures in pounds, and the same tables in the workbook.
    const csv = async (table: string) =>
      parse((await client.inject(`/business-cases/${r.id}/export?table=${table}`)).body, {
        columns: true,
        bom: true,
      }) as Record<string, string>[];
    const summary = await csv('summary');
    assert.equal(Math.round(Number(summary[0]?.Value) * 100), r.result.npvPence);
    const flows = await csv('cash-flows');
    assert.deepEqual(
      flows.map((row) => Math.round(Number(row['Present value (£)']) * 100)),
      r.result.years.map((y: { discountedPence: number }) => y.discountedPence),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await client.inject(`/business-cases/${r.id}/export?format=xlsx`))
        .rawPayload as unknown as ArrayBuffer,
    );
    assert.deepEqual(
      workbook.worksheets.map((w) => w.name),
      [
        'Summary',
        'Each partner',
        'Cash flows',
        'Running-cost shares by year (%)',
        'Switching values',
        'Sensitivity',
      ],
    );
    const partners = workbook.getWorksheet('Each partner');
    assert.equal(
      Math.round(Number(partners?.getRow(2).getCell(10).value) * 100),
      r.result.partners[0].npvPence,
    );
  });

  test('through the form in steps: pounds typed, problems shown against their fields, saved and shown', async () => {
    const slug = 'wychavon-malvern-hills-shared-chief-executive';
    const page = await client.inject(`/partnerships/${slug}/business-cases/new`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Step 1 of 4: Partners/);
    assert.match(page.body, /Wychavon District Council/);
    // Each step posts every answer so far (the browser carries the others as hidden fields).
    const answers: Record<string, string> = {};
    const send = (step: number, go: string, more: Record<string, string>) => {
      Object.assign(answers, more);
      return client.inject({
        method: 'POST',
        url: `/partnerships/${slug}/business-cases/new`,
        ...form({ ...answers, step: String(step), go }),
      });
    };
    const partners = await send(0, 'next', {
      name: 'Shared legal service',
      'partner-0-baseline': '400,000',
      'partner-1-baseline': 'lots',
    });
    assert.equal(partners.statusCode, 422);
    assert.match(partners.body, /href="#partner-1-baseline">Give the baseline cost in pounds, like 125,000/);
    assert.match(partners.body, /value="lots"/);
    assert.doesNotMatch(partners.body, /running cost/i, 'a later step’s problems wait for it');
    const costsPage = await send(0, 'next', { 'partner-1-baseline': '300,000' });
    assert.equal(costsPage.statusCode, 200);
    assert.match(costsPage.body, /Step 2 of 4: Costs/);
    assert.match(costsPage.body, /<input type="hidden" name="name" value="Shared legal service">/);
    const costs = await send(1, 'next', {
      running: 'a lot',
      'oneoff-0-year': '1',
      'oneoff-0-amount': '50,000',
    });
    assert.equal(costs.statusCode, 422);
    assert.match(costs.body, /Give the running cost in pounds, like 125,000/);
    // No kind of cost is assumed.
    assert.match(costs.body, /href="#oneoff-0-kind">Choose what the one-off cost is for/);
    assert.doesNotMatch(costs.body, /pence/);
    assert.match(
      (await send(1, 'next', { running: '650k', 'oneoff-0-kind': 'project' })).body,
      /Step 3 of 4/,
    );
    const savings = await send(2, 'next', {
      phasing: '50, 100',
      inflation: '2',
      horizon: '1000',
      discount: '3.5',
    });
    assert.match(savings.body, /The horizon is 3 to 60 years/);
    assert.match((await send(2, 'back', {})).body, /Step 2 of 4: Costs/, 'Back moves without checking');
    assert.match((await send(2, 'next', { horizon: '10' })).body, /Step 4 of 4: Sharing/);
    const shares = await send(3, 'save', {
      runningMethod: 'fixed',
      'runningPercent-0': '60',
      'runningPercent-1': '30',
      oneOffMethod: 'mix',
      'oneOffMix-equal': '50',
      'oneOffMix-baseline': '50',
    });
    assert.equal(shares.statusCode, 422);
    assert.match(shares.body, /href="#runningPercent-0">The percentages must add up to 100/);
    const saved = await send(3, 'save', { 'runningPercent-0': '55', 'runningPercent-1': '45' });
    assert.equal(saved.statusCode, 303, saved.body);
    const shown = await client.inject(saved.headers.location as string);
    assert.match(shown.body, /Shared legal service/);
    assert.match(shown.body, /£357,500\.00|£357,500/);
    const partnership = await client.inject(`/partnerships/${slug}`);
    assert.match(partnership.body, /Compare them side by side/);
    const ids = [...partnership.body.matchAll(/href="\/business-cases\/(\d+)"/g)].map((m) => m[1]);
    assert.equal((await client.inject(`/business-cases/compare?ids=${ids.join(',')}`)).statusCode, 200);
    const edit = await client.inject(`/business-cases/${ids[0]}/edit`);
    assert.equal(edit.statusCode, 200);
    // Each partner's share comes back in its own box, carried until its step.
    assert.match(edit.body, /Step 1 of 4: Partners/);
    assert.match(edit.body, /<input type="hidden" name="runningPercent-0" value="55">/);
  });
  test('the form takes year 0, a partner’s own costs, activity by year and a split by component', async () => {
    const slug = 'wychavon-malvern-hills-shared-chief-executive';
    const fields = {
      name: 'Shared waste client team',
      'partner-0-baseline': '600,000',
      'partner-0-driver': '100, 120',
      'partner-1-baseline': '400,000',
      'partner-1-driver': '12,500',
      'partner-1-population': '80,000',
      running: '800,000',
      'oneoff-0-year': '0',
      'oneoff-0-kind': 'it',
      'oneoff-0-amount': '100,000',
      'oneoff-1-year': '1',
      'oneoff-1-kind': 'pension-strain',
      'oneoff-1-partner': 'E07000235',
      'oneoff-1-amount': '30,000',
      phasing: '100',
      horizon: '5',
      discount: '3.5',
      runningMethod: 'components',
      'runningPart-0-percent': '40',
      'runningPart-0-method': 'fixed',
      'runningPart-1-percent': '60',
      'runningPart-1-method': 'driver',
      'runningPart-0-share-0': '70',
      'runningPart-0-share-1': '20',
      runningAverage: '3',
      runningTolerance: '5',
      oneOffMethod: 'equal',
    };
    const post = (more: Record<string, string>) =>
      client.inject({
        method: 'POST',
        url: `/partnerships/${slug}/business-cases/new`,
        ...form({ ...fields, ...more, step: '3', go: 'save' }),
      });
    const wrong = await post({});
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /href="#runningPart-0-share-0">The percentages must add up to 100/);
    // A cost typed in the fourth row, after the horizon, is refused on that row.
    const late = await post({ 'oneoff-3-year': '12', 'oneoff-3-kind': 'it', 'oneoff-3-amount': '5,000' });
    assert.match(late.body, /href="#oneoff-3-year">The year is after the horizon/);
    assert.match(late.body, /aria-describedby="oneoff-3-year-error"/);
    const saved = await post({ 'runningPart-0-share-1': '30' });
    assert.equal(saved.statusCode, 303, saved.body);
    const shown = (await client.inject(saved.headers.location as string)).body;
    assert.match(
      shown,
      /By component: 40% fixed percentages \(70%, 30%\), 60% by activity \(the driver\); activity averaged over the last three years; shares move only when activity moves by more than 5%/,
    );
    // Year 2: Wychavon's activity averages 110, more than 5% from the 100 last used: shares change.
    assert.match(shown, /Each partner’s share of the running cost by year/);
    const id = /\/business-cases\/(\d+)/.exec(saved.headers.location as string)?.[1];
    const r = (await client.inject(`/api/v1/business-cases/${id}`)).json();
    assert.equal(r.result.years[0].oneOffPence, 10_000_000);
    assert.deepEqual(
      r.result.partners.map((p: { oneOffSharePence: number }) => p.oneOffSharePence),
      [5_000_000, 8_000_000],
    );
    assert.deepEqual(r.input.partners[0].drivers, [100, 120]);
    // "12,500" is one figure in thousands, not two years; a typed population is kept.
    assert.deepEqual([r.input.partners[1].driver, r.input.partners[1].drivers], [12_500, undefined]);
    assert.equal(r.input.partners[1].population, 80_000);
    const edit = (await client.inject(`/business-cases/${id}/edit`)).body;
    assert.match(edit, /name="partner-0-driver" type="text" inputmode="decimal" value="100; 120"/);
    assert.match(edit, /name="partner-1-population" type="text" inputmode="decimal" value="80000"/);
    assert.match(edit, /<input type="hidden" name="runningPart-0-share-0" value="70">/);
    assert.match(edit, /<input type="hidden" name="oneoff-1-partner" value="E07000235">/);
  });
  test('editing and saving without a change keeps every figure, even beyond the form’s first rows', async () => {
    // Six one-off costs, a partner (Trafford) that is not a member of the partnership, a split in three
    // parts, one by fixed percentages, and a cost per unit of activity in fractions of a penny.
    const created = await client.inject({
      method: 'POST',
      url: '/api/v1/business-cases',
      payload: {
        ...CASE,
        partners: [
          { ...CASE.partners[0], driver: 1_000 },
          { ...CASE.partners[1], driver: 2_000 },
          { bodyCode: 'E08000009', baselinePence: 50_000_000, population: 250_000, driver: 3_000 },
        ],
        runningPerUnitPence: 12.5,
        running: {
          method: 'components',
          parts: [
            { percent: 40, method: 'fixed', percentages: [50, 30, 20] },
            { percent: 30, method: 'driver' },
            { percent: 30, method: 'population' },
          ],
        },
        oneOffs: Array.from({ length: 6 }, (_, i) => ({
          year: i % 3,
          kind: 'it',
          amountPence: 1_000_000 * (i + 1),
        })),
        runningPence: 200_000_000,
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const before = created.json();
    const edit = (await client.inject(`/business-cases/${before.id}/edit`)).body;
    assert.match(edit, /Trafford/);
    // Every field as the browser would send it: inputs (hidden or not) and the chosen options.
    const decode = (v: string) =>
      v.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");
    const fields: Record<string, string> = {};
    for (const [, name, value] of edit.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
      fields[name as string] = decode(value as string);
    for (const [, name, options] of edit.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g))
      fields[name as string] = /<option value="([^"]*)" selected/.exec(options as string)?.[1] ?? '';
    const saved = await client.inject({
      method: 'POST',
      url: `/business-cases/${before.id}/edit`,
      ...form({ ...fields, go: 'save' }),
    });
    assert.equal(saved.statusCode, 303, saved.body);
    const after = (await client.inject(`/api/v1/business-cases/${before.id}`)).json();
    assert.deepEqual(after.input, before.input);
    assert.equal(after.result.npvPence, before.result.npvPence);
  });
});
