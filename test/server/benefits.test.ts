/**
 * Benefits plans through the web and the API: a plan started from a live business case, spend that
 * evidences one partner's saving and contradicts the other's, a saving recorded and verified, and
 * the same figures on the plan's page, in its CSV and XLSX, in the API, on the partnership's, body's
 * and dashboard pages, and in the audit trail.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { seedDemo } from '../../src/demo/seed.js';
import { plannedFromCase } from '../../src/domain/benefits.js';
import { formatPounds } from '../../src/domain/money.js';
import { buildApp } from '../../src/server/app.js';
import { businessCaseReport } from '../../src/services/business-case.js';
import { importSpendFile } from '../../src/services/import-spend.js';
import { findSupplier } from '../../src/store/suppliers.js';
import { deleteBody } from '../../src/store/bodies.js';
import { listNewsItems, saveEdition } from '../../src/store/news.js';
import { asSiteAdministrator, type Client, signIn } from '../helpers/accounts.js';
import { emptyRegister, forEachDatabase, TESTER } from '../helpers/databases.js';
import { makeBusinessCase, makeUser, type PublishedPayment, writeSpendFile } from '../helpers/factories.js';

const P = 'wychavon-malvern-hills-shared-chief-executive';
const WYCHAVON = 'E07000238';
const MALVERN = 'E07000235';
const form = (fields: Record<string, string>) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

/** A month's payments: the revenues system's supplier, and rent so that every month is published. */
const month = (yyyyMm: string, civica: string): PublishedPayment[] => {
  const [y, m] = yyyyMm.split('-');
  return [
    { date: `15/${m}/${y}`, supplier: 'Civica UK Ltd', amount: civica },
    { date: `20/${m}/${y}`, supplier: 'Landlord Estates Ltd', amount: '900.00' },
  ];
};
const months = (from: string, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const total = Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7)) - 1 + i;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
  });

forEachDatabase('benefits plans on the web and the API', (database) => {
  let app: FastifyInstance;
  let client: Client;
  let work: string;
  let caseId: number;
  let planId: number;
  let supplierId: number;

  before(async () => {
    const db = database();
    await emptyRegister(db);
    await seedDemo(db);
    app = await buildApp({ db });
    client = await asSiteAdministrator(app, db);
    work = mkdtempSync(join(tmpdir(), 'pathfinder-benefits-'));
    // Wychavon pays Civica £10,000 a month before and £5,000 after; Malvern Hills £8,000 before and £9,000 after.
    const file = (name: string, civicaBefore: string, civicaAfter: string) =>
      writeSpendFile(work, name, [
        ...months('2023-04', 12).flatMap((m) => month(m, civicaBefore)),
        ...months('2024-04', 3).flatMap((m) => month(m, civicaAfter)),
      ]);
    await importSpendFile(db, TESTER, file('wychavon.csv', '10000.00', '5000.00'), { bodyCode: WYCHAVON });
    await importSpendFile(db, TESTER, file('malvern.csv', '8000.00', '9000.00'), { bodyCode: MALVERN });
    supplierId = (await findSupplier(db, 'Civica UK Ltd')).id;
    caseId = await makeBusinessCase(db);
  });
  after(async () => {
    await app.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('a plan started from a business case carries its savings by year, and measures them in spend', async () => {
    const page = await client.inject(`/partnerships/${P}/benefits/new?businessCase=${caseId}`);
    assert.equal(page.statusCode, 200, page.body);
    const planned = plannedFromCase((await businessCaseReport(database(), caseId)).result);
    const wychavon = planned.find((p) => p.bodyCode === WYCHAVON)?.plannedPence as number[];
    assert.equal(wychavon.length, 5);
    assert.ok(
      page.body.includes(`value="${wychavon.map(formatPounds).join('; ')}"`),
      'the form carries the case’s figures',
    );

    const saved = await client.inject({
      method: 'POST',
      url: `/partnerships/${P}/benefits/new`,
      ...form({
        name: 'Shared revenues and benefits',
        goLive: '2024-04',
        baselineFrom: '2023-04',
        baselineTo: '2024-03',
        suppliers: String(supplierId),
        categories: '',
        businessCaseId: String(caseId),
        [`planned-${WYCHAVON}`]: wychavon.map(formatPounds).join(', '),
        // Forty years, so that some are always still to come.
        [`planned-${MALVERN}`]: ['£20,000', ...Array(39).fill('£40,000')].join('; '),
      }),
    });
    assert.equal(saved.statusCode, 303, saved.body);
    planId = Number(/\/benefits\/(\d+)/.exec(String(saved.headers.location))?.[1]);

    const api = (await client.inject(`/api/v1/benefits/${planId}?prices=2023`)).json();
    assert.equal(api.prices.year, 2023);
    const [w, m] = [WYCHAVON, MALVERN].map((code) =>
      api.partners.find((p: { bodyCode: string }) => p.bodyCode === code),
    );
    // As paid: £120,000 a year before; £15,000 over three months after, £60,000 a year.
    assert.equal(w.baseline.annualPence, 12_000_000);
    assert.equal(w.years[0].spend.annualPence, 6_000_000);
    assert.equal(w.years[0].spend.monthsHeld, 3);
    assert.equal(w.years[0].status, 'evidenced');
    assert.equal(m.baseline.annualPence, 9_600_000);
    assert.equal(m.years[0].spend.annualPence, 10_800_000);
    assert.equal(m.years[0].status, 'contradicted');
    assert.equal(w.years[0].plannedPence, wychavon[0]);
    assert.deepEqual(
      m.years.slice(0, 2).map((y: { plannedPence: number }) => y.plannedPence),
      [2_000_000, 4_000_000],
    );
    assert.ok(m.years.length < 40, 'years not yet begun are not shown');

    const shown = await client.inject(`/benefits/${planId}?prices=2023`);
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /govuk-tag--green">Evidenced</);
    assert.match(shown.body, /govuk-tag--red">Contradicted</);
    assert.ok(
      shown.body.includes(
        `/opportunities/evidence?bodies=${WYCHAVON}&amp;from=2024-04&amp;to=2025-03&amp;supplier=${supplierId}`,
      ),
      'the payments behind the figure are a link away',
    );
    const evidence = await client.inject(
      `/opportunities/evidence?bodies=${WYCHAVON}&from=2024-04&to=2025-03&supplier=${supplierId}`,
    );
    assert.equal((evidence.body.match(/£5,000</g) ?? []).length, 3, 'the three payments after go-live');
    assert.match(
      evidence.body,
      /The 3 payments behind the figure, as the bodies published them\. All 3 add up to £15,000\./,
    );
  });

  test('a verified saving needs who confirmed it and its evidence; then every view shows it', async () => {
    const refused = await client.inject({
      method: 'POST',
      url: `/benefits/${planId}/savings`,
      ...form({
        bodyCode: WYCHAVON,
        year: '1',
        amount: '£55,000',
        status: 'verified',
        evidence: '',
        confirmedBy: '',
      }),
    });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /A verified saving needs who confirmed it/);
    assert.match(refused.body, /A verified saving needs the evidence it rests on/);
    const [news] = await listNewsItems(database(), { partnership: P });
    assert.ok(news);
    const recorded = await client.inject({
      method: 'POST',
      url: `/benefits/${planId}/savings`,
      ...form({
        bodyCode: WYCHAVON,
        year: '1',
        amount: '£55,000',
        status: 'verified',
        evidence: 'Civica invoices for 2024-25 against 2023-24',
        confirmedBy: 'Chief finance officer',
        newsItemId: String(news.id),
      }),
    });
    assert.equal(recorded.statusCode, 303, recorded.body);

    const api = (await client.inject(`/api/v1/benefits/${planId}`)).json();
    assert.deepEqual(api.totals.recordedPence, 5_500_000);
    assert.deepEqual(api.totals.verifiedPence, 5_500_000);
    const evidenced = api.totals.evidencedPence;
    assert.ok(evidenced > 0);

    // The CSV and XLSX carry the API's figures, in pounds.
    const csv = parse((await client.inject(`/benefits/${planId}/export?format=csv`)).body, {
      columns: true,
      bom: true,
    }) as Record<string, string>[];
    const row = csv.find((r) => r['Body code'] === WYCHAVON && r.Year === '1');
    const w = api.partners.find((p: { bodyCode: string }) => p.bodyCode === WYCHAVON);
    assert.equal(Number(row?.['Recorded saving (£)']), 55_000);
    assert.equal(
      Number(row?.[`Fall in annual spend, ${api.prices.year} prices (£)`]),
      w.years[0].seenPence / 100,
    );
    assert.equal(row?.Status, 'Evidenced');
    const xlsx = await client.inject(`/benefits/${planId}/export?format=xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    assert.ok(sheet);
    const values = sheet.getRow(2).values as unknown[];
    assert.ok(values.includes(55_000));

    const partnership = await client.inject(`/partnerships/${P}`);
    assert.match(partnership.body, /£55,000 recorded against benefits plans, £55,000 of it verified/);
    assert.ok(partnership.body.includes(`${formatPounds(evidenced)} evidenced in published spend`));
    assert.match(
      partnership.body,
      /Shared revenues and benefits: planned against realised, by partner and year/,
    );
    assert.match(partnership.body, /Wychavon District Council: planned \(grey\), recorded \(blue\)/);
    const body = await client.inject(`/bodies/${WYCHAVON}`);
    assert.match(body.body, /Savings through partnerships/);
    assert.ok(body.body.includes(`href="/benefits/${planId}"`));
    const dashboard = await client.inject('/');
    assert.match(dashboard.body, /£55k recorded by partners against benefits plans \(£55k verified\)/);

    // The news item reporting the saving cites it with what spend shows, and so does the news summary.
    const cited =
      /Wychavon District Council recorded £55,000 \(verified\) for year 1 of <a class="govuk-link" href="\/benefits\/\d+">Shared revenues and benefits<\/a>\. What published spend shows: evidenced \(Spend fell by £[\d,.]+ a year/;
    assert.match((await client.inject(`/news/${news.id}`)).body, cited);
    const edition = await saveEdition(database(), {
      weekOf: '2024-07-01',
      introduction: 'Savings seen.',
      itemIds: [news.id],
    });
    assert.match((await client.inject(`/editions/${edition}`)).body, cited);

    const history = (await client.inject(`/partnerships/${P}/history?format=csv`)).body;
    assert.match(history, /Benefits plan/);
    assert.match(history, /Chief finance officer/);
  });

  test('a partner records its own savings only, for years begun, citing the partnership’s own news', async () => {
    await makeUser(database(), { email: 'finance@malvernhills.test', bodyCode: MALVERN, role: 'editor' });
    const malvern = await signIn(app, database(), 'finance@malvernhills.test');
    const saving = { year: 1, amountPence: 100, status: 'claimed' };
    const put = (payload: object) =>
      malvern.inject({
        method: 'PUT',
        url: `/api/v1/benefits/${planId}/savings`,
        payload: { ...saving, ...payload },
      });
    assert.equal(
      (await put({ bodyCode: WYCHAVON })).statusCode,
      403,
      'one partner does not vouch for another',
    );
    const own = await put({ bodyCode: MALVERN });
    assert.equal(own.statusCode, 200, own.body);
    const early = await put({ bodyCode: MALVERN, year: 40 });
    assert.equal(early.statusCode, 422);
    assert.match(early.body, /Year 40 starts in 2063-04: record its saving once it has begun/);
    const elsewhere = (await listNewsItems(database())).find(
      (n) => !n.partnerships.some((x) => x.slug === P),
    );
    assert.ok(elsewhere);
    const notOurs = await put({ bodyCode: MALVERN, newsItemId: elsewhere?.id });
    assert.equal(notOurs.statusCode, 422);
    assert.match(notOurs.body, /is not one of the partnership’s/);
    // The form offers a member's user its own body alone.
    const page = (await malvern.inject(`/benefits/${planId}`)).body;
    assert.ok(page.includes(`<option value="${MALVERN}"`));
    assert.ok(!page.includes(`<option value="${WYCHAVON}"`));
  });

  test('a body whose savings are recorded is not deleted from under them, even after it leaves', async () => {
    const db = database();
    await db.query(
      `DELETE FROM partnership_members WHERE body_id = (SELECT id FROM bodies WHERE code = $1)
         AND partnership_id = (SELECT id FROM partnerships WHERE slug = $2)`,
      [MALVERN, P],
    );
    await assert.rejects(
      deleteBody(db, MALVERN),
      /cannot be deleted while the register uses it: Wychavon and Malvern Hills shared chief executive$/,
    );
  });

  test('the true-up re-runs the case’s population split with the year’s populations, parts making the whole', async () => {
    const res = await client.inject({
      method: 'POST',
      url: `/api/v1/benefits/${planId}/true-up`,
      payload: {
        year: 2,
        runningPence: 171_000_000,
        partners: [
          { bodyCode: WYCHAVON, population: 132_000 },
          { bodyCode: MALVERN, population: 80_000 },
        ],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const t = res.json();
    assert.equal(t.plannedPence, 170_000_000);
    // £1,710,000 by 132,000 : 80,000 residents: £1,064,716.98 and £645,283.02.
    assert.deepEqual(
      t.rows.map((r: { duePence: number }) => r.duePence),
      [106_471_698, 64_528_302],
    );
    assert.equal(
      t.rows.reduce((s: number, r: { balancePence: number }) => s + r.balancePence, 0),
      1_000_000,
    );
    const page = await client.inject(
      `/benefits/${planId}/true-up?year=2&running=%C2%A31%2C710%2C000&population-${WYCHAVON}=132000&population-${MALVERN}=80000`,
    );
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(formatPounds(106_471_698)));
  });
});
