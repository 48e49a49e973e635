import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { importSpendFile } from '../../src/services/import-spend.js';
import { rebuildAnalysisCube } from '../../src/store/analysis-cube.js';
import { resolveAllSuppliers } from '../../src/services/suppliers.js';
import { refreshSpendAnalysis } from '../../src/services/spend-analysis.js';
import { emptyRegister, forEachDatabase, TESTER } from '../helpers/databases.js';
import { asSiteAdministrator, type Client } from '../helpers/accounts.js';

const OXFORD = `Body Name,Paid Date,Trans No,Amount,Supplier Name,Expense Type,VAT Registration Number
Oxford City Council,03/04/2024,1001,"1,200.00",Vodafone Limited (Corporate),Mobile phones,
Oxford City Council,10/04/2024,1002,800.50,VODAFONE LTD,Mobile phones,
Oxford City Council,11/04/2024,1003,"25,000.00",Capita Business Services Ltd,Revenues and benefits service,GB 123 4567 89
Oxford City Council,12/04/2024,1004,"3,100.00",Redacted - personal data,Housing benefit payments,
Oxford City Council,13/04/2024,1005,"9,999.00",Institute of Licensing Ltd,Misc charges Z99,
`;
const TRAFFORD = `OrganisationLabel,PaymentDate,TransactionNumber,Amount,BeneficiaryName,ProclassLabel,ProclassCode,VATRegistrationNumber
Trafford Council,2024-05-02,T1,2400.00,Vodafone Ltd,ICT : Telephony,271311,NA
Trafford Council,2024-05-03,T2,40000.00,Capita Business Services Limited,FINANCIAL SERVICES : Revenues,201000,GB987654321
Trafford Council,2024-05-04,T3,650.00,Institute of Licensing Events Ltd,LEISURE : Events,290000,
Trafford Council,2024-05-05,T4,700.00,Redacted - personal data,SOCIAL CARE : Direct payments,320000,
`;

const BOLTON = `Date,Supplier,Expense Type,Amount
01/05/2024,Capita Business Services Ltd,Revenues and benefits service,"12,000.00"
`;

forEachDatabase('suppliers and categories', (database) => {
  let app: FastifyInstance;
  let client: Client;
  let work: string;
  before(async () => {
    await emptyRegister(database());
    await seedDemo(database());
    work = mkdtempSync(join(tmpdir(), 'pathfinder-suppliers-'));
    writeFileSync(join(work, 'oxford.csv'), OXFORD);
    writeFileSync(join(work, 'trafford.csv'), TRAFFORD);
    await importSpendFile(database(), TESTER, join(work, 'oxford.csv'), { bodyCode: 'E07000178' });
    await importSpendFile(database(), TESTER, join(work, 'trafford.csv'), { bodyCode: 'E08000009' });
    writeFileSync(join(work, 'bolton.csv'), BOLTON);
    await importSpendFile(database(), TESTER, join(work, 'bolton.csv'), { bodyCode: 'E08000001' });
    app = await buildApp({ db: database() });
    client = await asSiteAdministrator(app, database());
  });
  after(async () => {
    await app.close();
    rmSync(work, { recursive: true, force: true });
  });

  const suppliers = async (q: string) =>
    (await client.inject(`/api/v1/suppliers?q=${encodeURIComponent(q)}`)).json().items;

  test('one supplier for the names two councils pay it under, with each body’s spend', async () => {
    const [vodafone, ...others] = await suppliers('vodafone');
    assert.equal(others.length, 0);
    assert.deepEqual(
      [vodafone.names, vodafone.bodies, vodafone.spendPence],
      [3, 2, 120_000 + 80_050 + 240_000],
    );
    const detail = (await client.inject(`/api/v1/suppliers/${vodafone.id}`)).json();
    assert.deepEqual(
      detail.spend.map((s: { bodyCode: string; spendPence: number }) => [s.bodyCode, s.spendPence]),
      [
        ['E08000009', 240_000],
        ['E07000178', 200_050],
      ],
    );
    assert.equal(detail.payments.length, 3);
    const page = (await client.inject(`/suppliers/${vodafone.id}`)).body;
    assert.match(page, /Vodafone Limited \(Corporate\)/);
    assert.match(page, /2024-25/);
  });

  test('redacted payees are never a supplier, and their spend is left out of the categories', async () => {
    assert.deepEqual(await suppliers('redacted'), []);
    const categories = (await client.inject('/api/v1/categories')).json();
    const total = categories.spend.reduce((sum: number, c: { spendPence: number }) => sum + c.spendPence, 0);
    // Every payment but the two redacted ones (£3,100 and £700): not spend anyone could buy otherwise.
    assert.equal(total, 120_000 + 80_050 + 2_500_000 + 999_900 + 240_000 + 4_000_000 + 65_000 + 1_200_000);
  });

  test('different VAT numbers keep two suppliers apart, and a merge is refused saying why', async () => {
    const capita = await suppliers('capita');
    assert.equal(capita.length, 2);
    const res = await client.inject({
      method: 'POST',
      url: `/api/v1/suppliers/${capita[0].id}/merge`,
      payload: { into: capita[1].id },
    });
    assert.equal(res.statusCode, 409);
    assert.match(res.json().error, /different vatNumber \(\d{9} and \d{9}\)/);
    const page = await client.inject({
      method: 'POST',
      url: `/suppliers/${capita[0].id}/merge`,
      payload: `into=${capita[1].id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(page.statusCode, 422);
    assert.match(page.body, /These cannot be one supplier/);
  });

  test('merges and splits people make survive re-clustering', async () => {
    const [vodafone] = await suppliers('vodafone');
    const names = (await client.inject(`/api/v1/suppliers/${vodafone.id}`)).json().names;
    const trafford = names.find((n: { name: string }) => n.name === 'Vodafone Ltd');
    const split = await client.inject({
      method: 'POST',
      url: `/api/v1/suppliers/${vodafone.id}/split`,
      payload: { payeeId: trafford.payeeId },
    });
    assert.equal(split.statusCode, 204);
    await resolveAllSuppliers(database());
    const apart = await suppliers('vodafone');
    assert.equal(apart.length, 2);
    // The supplier keeps its number; the name split off is a supplier of its own.
    assert.ok(apart.some((s: { id: number }) => s.id === vodafone.id));
    const other = apart.find((s: { id: number }) => s.id !== vodafone.id);
    const merged = await client.inject({
      method: 'POST',
      url: `/suppliers/${other.id}/merge`,
      payload: `into=${vodafone.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(merged.statusCode, 303);
    await resolveAllSuppliers(database());
    assert.deepEqual(
      (await suppliers('vodafone')).map((s: { id: number; names: number }) => [s.id, s.names]),
      [[vodafone.id, 3]],
    );
  });

  test('pairs it is unsure of wait for a person, whose answer is kept', async () => {
    const { items } = (await client.inject('/api/v1/supplier-reviews')).json();
    const pair = items.find(
      (p: { a: { name: string }; b: { name: string } }) =>
        [p.a.name, p.b.name].sort().join(' / ') ===
        'Institute of Licensing Events Ltd / Institute of Licensing Ltd',
    );
    assert.ok(pair, JSON.stringify(items));
    assert.match((await client.inject('/suppliers/review')).body, /Institute of Licensing Events Ltd/);
    const res = await client.inject({
      method: 'POST',
      url: '/suppliers/review',
      payload: `a=${pair.a.payeeId}&b=${pair.b.payeeId}&same=no`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.statusCode, 303);
    await resolveAllSuppliers(database());
    assert.equal((await client.inject('/api/v1/supplier-reviews')).json().items.length, items.length - 1);
    assert.equal((await suppliers('institute of licensing')).length, 2);
  });

  test('categories come from published codes and rules; the rest wait in a queue by spend', async () => {
    const { spend } = (await client.inject('/api/v1/categories')).json();
    const of = (code: string) => spend.find((c: { category: string }) => c.category === code)?.spendPence;
    // Oxford's "Mobile phones" by rule, Trafford's ProClass 27 code: one ICT total.
    assert.equal(of('27'), 120_000 + 80_050 + 240_000);
    assert.equal(of('20'), 4_000_000);
    const unmapped = (await client.inject('/api/v1/categories/unmapped')).json().items;
    assert.deepEqual(
      unmapped.map((u: { value: string; spendPence: number }) => [u.value, u.spendPence]),
      [
        ['Revenues and benefits service', 2_500_000],
        ['Revenues and benefits service', 1_200_000],
        ['Misc charges Z99', 999_900],
      ],
    );
    const res = await client.inject({
      method: 'POST',
      url: '/categories',
      payload: `body=E07000178&labelId=${unmapped[0].labelId}&category=20`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.statusCode, 303);
    // Bolton's expense type in the same words takes the category Oxford's was given.
    const after = (await client.inject('/api/v1/categories')).json().spend;
    assert.equal(
      after.find((c: { category: string }) => c.category === '20').spendPence,
      6_500_000 + 1_200_000,
    );
    assert.deepEqual(
      (await client.inject('/api/v1/categories/unmapped'))
        .json()
        .items.map((u: { value: string }) => u.value),
      ['Misc charges Z99'],
    );
    assert.match((await client.inject('/categories')).body, /Misc charges Z99/);
    const refused = await client.inject({
      method: 'POST',
      url: '/api/v1/categories/mappings',
      payload: { body: 'E07000178', labelId: unmapped[2].labelId, category: '99' },
    });
    assert.equal(refused.statusCode, 422);
  });

  test('a person overrides what is left out of addressable spend, and rules never undo it', async () => {
    const decisions = async (query: string) =>
      (await client.inject(`/api/v1/addressable?${query}`)).json().items as {
        subject: string;
        id: number;
        name: string;
        reason: string | null;
        method: string;
        spendPence: number;
      }[];
    const excluded = await decisions('show=excluded');
    assert.deepEqual(excluded.map((d) => [d.subject, d.name, d.reason, d.method]).sort(), [
      ['label', 'Housing benefit payments', 'grants', 'rule'],
      ['label', 'SOCIAL CARE : Direct payments', 'grants', 'rule'],
      ['payee', 'Redacted - personal data', 'redacted', 'rule'],
    ]);
    const counted = await decisions('show=addressable&body=E07000178');
    const misc = counted.find((d) => d.name === 'Misc charges Z99');
    assert.deepEqual([misc?.subject, misc?.reason, misc?.spendPence], ['label', null, 999_900]);
    const oxfordSpend = async () =>
      (await client.inject('/api/v1/categories?body=E07000178'))
        .json()
        .spend.reduce((sum: number, c: { spendPence: number }) => sum + c.spendPence, 0);
    const before = await oxfordSpend();

    // An officer knows the miscellaneous charges are internal recharges.
    const saved = await client.inject({
      method: 'POST',
      url: '/addressable',
      payload: `subject=label&id=${misc?.id}&reason=refunds&show=addressable&body=E07000178`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(
      saved.headers.location,
      '/addressable?done=exclusion-confirmed&show=addressable&body=E07000178',
    );
    assert.equal(await oxfordSpend(), before - 999_900);
    assert.deepEqual(
      (await decisions('show=excluded')).find((d) => d.name === 'Misc charges Z99')?.method,
      'confirmed',
    );
    assert.deepEqual(
      (await client.inject('/api/v1/categories/unmapped')).json().items,
      [],
      'spend left out is not waiting for a category',
    );
    const [audit] = await database().query<{ record_name: string; after: unknown }>(
      `SELECT record_name, after FROM audit_events WHERE record_type = 'exclusion' ORDER BY id DESC LIMIT 1`,
    );
    assert.deepEqual(audit, {
      record_name: 'Misc charges Z99',
      after: { decision: 'Left out: Refunds and internal transfers' },
    });
    await refreshSpendAnalysis(database());
    assert.equal(await oxfordSpend(), before - 999_900, 'the rules leave a person’s decision alone');
    const page = await client.inject('/addressable?show=excluded');
    assert.match(page.body, /Misc charges Z99[\s\S]*Refunds and internal transfers[\s\S]*by a person/);

    const back = await client.inject({
      method: 'POST',
      url: '/api/v1/addressable',
      payload: { subject: 'label', id: misc?.id, reason: 'addressable' },
    });
    assert.equal(back.statusCode, 204);
    assert.equal(await oxfordSpend(), before);
    const wrong = await client.inject({
      method: 'POST',
      url: '/api/v1/addressable',
      payload: { subject: 'label', id: misc?.id, reason: 'cheap' },
    });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /Choose addressable or a reason it is not/);
    const unknown = await client.inject({
      method: 'POST',
      url: '/api/v1/addressable',
      payload: { subject: 'payee', id: 999_999, reason: 'tax' },
    });
    assert.equal(unknown.statusCode, 404);
    for (const id of [2_147_483_648, true, [misc?.id], '1e0']) {
      const odd = await client.inject({
        method: 'POST',
        url: '/api/v1/addressable',
        payload: { subject: 'label', id, reason: 'tax' },
      });
      assert.equal(odd.statusCode, 422, `id ${JSON.stringify(id)}`);
    }
    assert.equal(await oxfordSpend(), before, 'nothing changed by a refused decision');
  });

  test('the analysis cube rebuilt body by body equals one rebuilt whole', async () => {
    const snapshot = () =>
      database().query(
        `SELECT body_id, month, supplier_id, category, amount_pence, payments FROM analysis_cube
         ORDER BY body_id, month, supplier_id NULLS FIRST, category`,
      );
    // After two imports, merges, splits, a review answer and a confirmed category, all incremental:
    const incremental = await snapshot();
    assert.ok(incremental.length > 0);
    await database().transaction((tx) => rebuildAnalysisCube(tx, 'all'));
    assert.deepEqual(await snapshot(), incremental);
  });
});
