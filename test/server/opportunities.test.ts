import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { importSpendFile } from '../../src/services/import-spend.js';
import { opportunityReport, recentOpportunityReport } from '../../src/services/opportunities.js';
import { emptyRegister, forEachDatabase, needsSharedData, sharedData, TESTER } from '../helpers/databases.js';
import { asSiteAdministrator, type Client } from '../helpers/accounts.js';

const OXFORD = 'oxford-city-jul-sep-2017.csv';
const TRAFFORD = 'trafford-supplier-spend-2026-27.csv';

/** Pence from the raw file by a separate reader: the test's own count, not Pathfinder's. */
function rawRows(file: string): Record<string, string>[] {
  return parse(readFileSync(join(sharedData, 'spend-samples', file)), { columns: true, bom: true });
}
const pence = (amount: string) => Math.round(Number(amount.replace(/[£,]/g, '')) * 100);

forEachDatabase('opportunity finder on real spend', (database) => {
  let app: FastifyInstance;
  let client: Client;
  before(async () => {
    await emptyRegister(database());
    await seedDemo(database());
    if (!needsSharedData.skip) {
      await importSpendFile(database(), TESTER, join(sharedData, 'spend-samples', OXFORD), {
        bodyCode: 'E07000178',
      });
      await importSpendFile(database(), TESTER, join(sharedData, 'spend-samples', TRAFFORD), {
        bodyCode: 'E08000009',
      });
    }
    app = await buildApp({ db: database() });
    client = await asSiteAdministrator(app, database());
  });
  after(() => app.close());

  const report = async (query: string) => {
    const res = await client.inject(`/api/v1/opportunities?${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  test(
    'combined spend per body and per category equals the raw files to the penny',
    needsSharedData,
    async () => {
      const r = await report('bodies=E07000178,E08000009');
      const oxford = rawRows(OXFORD).reduce((sum, row) => sum + pence(row.Amount as string), 0);
      const trafford = rawRows(TRAFFORD);
      const traffordTotal = trafford.reduce((sum, row) => sum + pence(row.Amount as string), 0);
      // Addressable spend and the spend left out, by reason, make each file's total.
      const leftOut = (code: string) =>
        r.excluded.reduce(
          (sum: number, x: { byBody: Record<string, number> }) => sum + (x.byBody[code] ?? 0),
          0,
        );
      assert.deepEqual(
        Object.fromEntries(
          r.byBody.map((b: { bodyCode: string; spendPence: number }) => [
            b.bodyCode,
            b.spendPence + leftOut(b.bodyCode),
          ]),
        ),
        { E07000178: oxford, E08000009: traffordTotal },
      );
      assert.equal(r.totalPence + leftOut('E07000178') + leftOut('E08000009'), oxford + traffordTotal);
      assert.equal(oxford, 1_134_400_535);
      // Trafford's ProClass codes give its categories: the first two digits, as the test reads them itself.
      const byGroup = new Map<string, number>();
      for (const row of trafford) {
        const group = /^\d{6}$/.test(row.ProclassCode as string)
          ? (row.ProclassCode as string).slice(0, 2)
          : 'unmapped';
        byGroup.set(group, (byGroup.get(group) ?? 0) + pence(row.Amount as string));
      }
      const reported = new Map<string, number>(
        r.byCategory
          .filter((c: { byBody: Record<string, number> }) => c.byBody.E08000009 !== undefined)
          .map((c: { category: string; byBody: Record<string, number> }) => [c.category, c.byBody.E08000009]),
      );
      // Categories come from the published codes (a credit left out can lift a category above its
      // raw sum, so only the groups are compared), and add up to the body's addressable spend.
      for (const group of reported.keys()) assert.ok(byGroup.has(group), `category ${group} is in the file`);
      const traffordAddressable = r.byBody.find(
        (b: { bodyCode: string }) => b.bodyCode === 'E08000009',
      ).spendPence;
      assert.equal(
        [...reported.values()].reduce((sum, v) => sum + v, 0),
        traffordAddressable,
      );
    },
  );

  test(
    'tax, pensions, levies, public bodies and redacted payees are left out of every opportunity, by reason',
    needsSharedData,
    async () => {
      const r = await report('bodies=E07000178,E08000009');
      const reasons = new Map<string, Record<string, number>>(
        r.excluded.map((x: { reason: string; byBody: Record<string, number> }) => [x.reason, x.byBody]),
      );
      // Each reason checked by hand against Trafford's file: HMRC, the Greater Manchester pension fund,
      // payments to the combined authority and to Salford, and "Redacted" payees.
      const traffordRaw = rawRows(TRAFFORD);
      const paidTo = (pattern: RegExp) =>
        traffordRaw
          .filter((row) => pattern.test(row.BeneficiaryName as string))
          .reduce((sum, row) => sum + pence(row.Amount as string), 0);
      assert.ok((reasons.get('tax')?.E08000009 ?? 0) >= paidTo(/^HMRC/));
      assert.ok((reasons.get('pensions')?.E08000009 ?? 0) >= paidTo(/SUPERANN|PENSIONS/i));
      assert.ok(
        (reasons.get('public_bodies')?.E08000009 ?? 0) >= paidTo(/Combined Authori|Salford City Council/),
      );
      assert.ok((reasons.get('redacted')?.E08000009 ?? 0) >= paidTo(/^Redacted$/));
      const notProcurable = /hmrc|pension|superann|combined authori|city council|redacted/i;
      for (const o of r.opportunities) assert.doesNotMatch(`${o.title} ${o.why}`, notProcurable);
      for (const s of r.shared.items) assert.doesNotMatch(s.name, notProcurable);
      // The page names the bodies, and gives each reason a line, rounded as a headline.
      const page = (await client.inject('/opportunities?bodies=E07000178,E08000009')).body;
      assert.match(page, /<title>Opportunities for Oxford City Council and Trafford[^<]*<\/title>/);
      assert.match(page, /Left out: tax and duty<\/dt><dd class="govuk-summary-list__value">£[\d.]+m</);
      // The same lines in the CSV download.
      const csv = await client.inject('/opportunities/export?bodies=E07000178,E08000009&table=excluded');
      assert.equal(csv.statusCode, 200);
      assert.match(csv.body, /Tax and duty,/);
    },
  );

  test(
    'a shared supplier’s spend is the sum of the raw payments under the names it lists',
    needsSharedData,
    async () => {
      const r = await report('bodies=E07000178,E08000009');
      assert.ok(r.shared.total > 0, 'Oxford and Trafford share suppliers');
      const raw = { E07000178: rawRows(OXFORD), E08000009: rawRows(TRAFFORD) };
      const nameColumn = { E07000178: 'Supplier Name', E08000009: 'BeneficiaryName' } as const;
      for (const supplier of r.shared.items.slice(0, 5)) {
        for (const b of supplier.bodies as {
          bodyCode: keyof typeof raw;
          spendPence: number;
          names: string[];
        }[]) {
          const names = new Set(b.names);
          const total = raw[b.bodyCode]
            .filter((row) => names.has((row[nameColumn[b.bodyCode]] as string).trim()))
            .reduce((sum, row) => sum + pence(row.Amount as string), 0);
          assert.equal(b.spendPence, total, `${supplier.name} at ${b.bodyCode}`);
        }
      }
      const top = r.opportunities[0];
      assert.ok(top.savingsLowPence <= top.savingsHighPence && top.savingsHighPence <= top.addressablePence);
    },
  );

  test(
    'exports every table as CSV and XLSX; the partner finder ranks by overlap',
    needsSharedData,
    async () => {
      const csv = await client.inject(
        '/opportunities/export?bodies=E07000178,E08000009&table=shared-suppliers',
      );
      assert.equal(csv.statusCode, 200);
      assert.match(csv.body, /^\uFEFFSupplier,Body code,Payments,Spend \(£\),Names used\r\n/);
      const xlsx = await client.inject('/opportunities/export?bodies=E07000178,E08000009&format=xlsx');
      assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
      const partners = (
        await client.inject('/api/v1/bodies/E08000009/partners?from=2017-01&to=2026-12')
      ).json();
      const oxford = partners.items.find((p: { code: string }) => p.code === 'E07000178');
      assert.ok(oxford.supplierOverlap > 0 && oxford.supplierOverlap < 1);
      assert.ok(oxford.suppliers.length > 0);
      // By hand from the pair's report: the categories where the smaller of their spends is largest.
      const pair = await report('bodies=E07000178,E08000009&from=2017-01&to=2026-12');
      const sharedIn = pair.byCategory
        .filter((c: { category: string }) => c.category !== 'unmapped')
        .map((c: { category: string; byBody: Record<string, number> }) => ({
          category: c.category,
          shared: Math.min(...['E07000178', 'E08000009'].map((b) => Math.max(0, c.byBody[b] ?? 0))),
        }))
        .filter((c: { shared: number }) => c.shared > 0)
        .sort((x: { shared: number }, y: { shared: number }) => y.shared - x.shared);
      assert.deepEqual(
        oxford.categories,
        sharedIn.slice(0, 3).map((c: { category: string }) => c.category),
      );
      // Ranked by overlap whatever the relation, or in the order asked for; only neighbours if asked.
      const overlaps = partners.items.map((p: { supplierOverlap: number }) => p.supplierOverlap);
      assert.deepEqual(
        overlaps,
        [...overlaps].sort((x, y) => y - x),
      );
      const byName = (
        await client.inject('/api/v1/bodies/E07000178/partners?from=2017-01&to=2026-12&sort=name')
      ).json();
      const names = byName.items.map((p: { name: string }) => p.name);
      assert.deepEqual(
        names,
        [...names].sort((x: string, y: string) => x.localeCompare(y)),
      );
      const neighbours = (
        await client.inject('/api/v1/bodies/E08000009/partners?from=2017-01&to=2026-12&near=neighbours')
      ).json();
      assert.ok(neighbours.items.every((p: { relation: string }) => p.relation === 'neighbour'));
      // Nearest first, in kilometres between the register's centres: Trafford to Oxford by hand.
      const nearest = (
        await client.inject('/api/v1/bodies/E08000009/partners?from=2017-01&to=2026-12&sort=distance')
      ).json().items as { code: string; distanceKm: number | null }[];
      const known = nearest.filter((p) => p.distanceKm !== null).map((p) => p.distanceKm as number);
      assert.deepEqual(
        known,
        [...known].sort((x, y) => x - y),
      );
      assert.ok(
        nearest.slice(known.length).every((p) => p.distanceKm === null),
        'unknown distances last',
      );
      const radians = (d: number) => (d * Math.PI) / 180;
      const [trafford, oxfordCity] = [
        [53.419, -2.3553],
        [51.7546, -1.241],
      ] as const;
      const haversine =
        2 *
        6371 *
        Math.asin(
          Math.sqrt(
            Math.sin(radians(oxfordCity[0] - trafford[0]) / 2) ** 2 +
              Math.cos(radians(trafford[0])) *
                Math.cos(radians(oxfordCity[0])) *
                Math.sin(radians(oxfordCity[1] - trafford[1]) / 2) ** 2,
          ),
        );
      assert.equal(nearest.find((p) => p.code === 'E07000178')?.distanceKm, Math.round(haversine));
      const page = (await client.inject('/bodies/E08000009/partners?from=2017-01&to=2026-12')).body;
      assert.match(page, /<a class="govuk-link" href="\/bodies\/E07000178">Oxford City Council<\/a>/);
      assert.match(
        page,
        /href="\/bodies\/E08000009\/partners\?from=2017-01&amp;to=2026-12&amp;sort=shared&amp;near=all"/,
      );
    },
  );

  test(
    'an opportunity of a partnership is saved as an idea-stage project with its figures',
    needsSharedData,
    async () => {
      const created = await client.inject({
        method: 'POST',
        url: '/api/v1/partnerships',
        payload: {
          slug: 'oxford-trafford-buying',
          name: 'Oxford and Trafford joint buying',
          kind: 'joint_procurement',
          status: 'proposed',
          services: ['procurement'],
          members: [
            { bodyCode: 'E07000178', role: 'lead' },
            { bodyCode: 'E08000009', role: 'member' },
          ],
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      const r = await report('partnership=oxford-trafford-buying&from=2017-01&to=2026-12');
      const [o] = r.opportunities;
      assert.ok(o, 'the two councils share suppliers, so there is an opportunity');
      const saved = await client.inject({
        method: 'POST',
        url: '/opportunities/projects',
        payload: new URLSearchParams({
          partnership: 'oxford-trafford-buying',
          from: '2017-01',
          to: '2026-12',
          opportunity: `${o.type}:${JSON.stringify(o.evidence)}`,
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(saved.statusCode, 303, saved.body);
      const projects = (await client.inject('/api/v1/projects?partnership=oxford-trafford-buying')).json()
        .items;
      assert.equal(projects.length, 1);
      assert.deepEqual([projects[0].name, projects[0].stage], [o.title.slice(0, 200), 'idea']);
      assert.match(projects[0].description, /Addressable spend £[\d,.]+ across 2 bodies/);
      assert.match(
        (await client.inject('/partnerships/oxford-trafford-buying')).body,
        /Opportunities in the members’ spend/,
      );
    },
  );

  test(
    'an opportunity opens a business case whose baselines are each partner’s year of spend in it',
    needsSharedData,
    async () => {
      const query = 'partnership=oxford-trafford-buying&from=2017-01&to=2026-12';
      const r = await report(query);
      const o = r.opportunities.find((x: { evidence: object }) => 'supplierId' in x.evidence);
      const link = `/partnerships/oxford-trafford-buying/business-cases/new?supplier=${o.evidence.supplierId}&amp;from=2017-01&amp;to=2026-12`;
      assert.ok((await client.inject(`/opportunities?${query}`)).body.includes(link));
      const form = await client.inject(link.replaceAll('&amp;', '&'));
      assert.equal(form.statusCode, 200, form.body);
      const filled = Object.fromEntries(
        [...form.body.matchAll(/<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
      const chosen = Object.fromEntries(
        form.body.split('<select').flatMap((select) => {
          const [name, value] = [/name="([^"]+)"/, /<option value="([^"]*)" selected/].map(
            (r) => r.exec(select.split('</select>')[0] ?? '')?.[1],
          );
          return name && value !== undefined ? [[name, value]] : [];
        }),
      );
      // By hand: each body's spend with the supplier over the period, scaled to twelve months held.
      const shared = r.shared.items.find(
        (x: { supplierId: number }) => x.supplierId === o.evidence.supplierId,
      );
      const months = (code: string) => r.byBody.find((b: { bodyCode: string }) => b.bodyCode === code).months;
      const baseline = (code: string) => {
        const held = shared.bodies.find((b: { bodyCode: string }) => b.bodyCode === code).spendPence;
        return Math.round((held * 12) / months(code));
      };
      const pence = (text: string) => Math.round(Number(text.replaceAll(',', '')) * 100);
      const members = ['E07000178', 'E08000009'];
      assert.deepEqual(
        members.map((_, row) => pence(filled[`partner-${row}-baseline`] ?? '')),
        members.map(baseline),
      );
      assert.equal(filled.name, o.title.replaceAll('&', '&amp;'));
      assert.match(form.body, /Started from the opportunity/);
      assert.match(form.body, new RegExp(`${months('E07000178')} months held, scaled to a year`));
      const saved = await client.inject({
        method: 'POST',
        url: '/partnerships/oxford-trafford-buying/business-cases/new',
        payload: new URLSearchParams({ ...filled, ...chosen }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(saved.statusCode, 303, saved.body);
      const id = /\/business-cases\/(\d+)/.exec(String(saved.headers.location))?.[1];
      const kept = (await client.inject(`/api/v1/business-cases/${id}`)).json();
      assert.deepEqual(
        kept.input.partners.map((p: { baselinePence: number }) => p.baselinePence),
        members.map(baseline),
      );
      const gone = await client.inject(
        '/partnerships/oxford-trafford-buying/business-cases/new?supplier=999999',
      );
      assert.equal(gone.statusCode, 404);
    },
  );

  test(
    'a report reused for pages is never served after what it reads has changed',
    needsSharedData,
    async () => {
      const query = { bodies: ['E07000178', 'E08000009'], from: '2017-01', to: '2026-12' };
      const first = await recentOpportunityReport(database(), query);
      assert.equal(await recentOpportunityReport(database(), query), first, 'reused while nothing changed');
      const unmapped = (await client.inject('/api/v1/categories/unmapped?body=E07000178')).json().items[0];
      const mapped = await client.inject({
        method: 'POST',
        url: '/api/v1/categories/mappings',
        payload: { body: 'E07000178', labelId: unmapped.labelId, category: '15' },
      });
      assert.equal(mapped.statusCode, 204);
      const after = await recentOpportunityReport(database(), query);
      assert.notEqual(after, first);
      assert.deepEqual(after, await opportunityReport(database(), query), 'the same as one built afresh');
      // At least the label's own spend moves; suppliers now mostly paid under the category bring
      // their uncategorised payments with them.
      const consultancy = (r: typeof first) =>
        r.byCategory.find((c) => c.category === '15')?.byBody.E07000178 ?? 0;
      assert.ok(consultancy(after) - consultancy(first) >= unmapped.spendPence);
    },
  );

  test(
    'the partner finder names a body as it is now called, the moment it is renamed',
    needsSharedData,
    async () => {
      const partners = async () =>
        (await client.inject('/api/v1/bodies/E08000009/partners?from=2017-01&to=2026-12')).json() as {
          items: { code: string; name: string }[];
        };
      const oxford = (await partners()).items.find((p) => p.code === 'E07000178');
      assert.equal(oxford?.name, 'Oxford City Council');
      const renamed = await client.inject({
        method: 'PATCH',
        url: '/api/v1/bodies/E07000178',
        payload: { name: 'Oxford City Council (renamed)' },
      });
      assert.equal(renamed.statusCode, 200, renamed.body);
      const now = (await partners()).items.find((p) => p.code === 'E07000178');
      assert.equal(now?.name, 'Oxford City Council (renamed)');
      await client.inject({
        method: 'PATCH',
        url: '/api/v1/bodies/E07000178',
        payload: { name: 'Oxford City Council' },
      });
    },
  );

  test('bad selections get clear messages or an empty state, never an error page', async () => {
    const unknown = await client.inject('/api/v1/opportunities?bodies=E08000009,NOPE');
    assert.equal(unknown.statusCode, 422);
    assert.match(JSON.stringify(unknown.json()), /No body has the code NOPE/);
    const none = await client.inject('/opportunities?bodies=');
    assert.equal(none.statusCode, 200);
    assert.match(none.body, /Find opportunities/);
    const empty = await client.inject('/api/v1/opportunities?bodies=E08000001');
    assert.deepEqual([empty.statusCode, empty.json().opportunities], [200, []]);
    assert.match(
      (await client.inject('/opportunities?bodies=E08000001')).body,
      /No spend is held for these bodies yet/,
    );
    const backwards = await client.inject('/opportunities?bodies=E08000009&from=2026-05&to=2026-01');
    assert.equal(backwards.statusCode, 422);
    assert.match(backwards.body, /The period must end after it starts/);
    const many = Array.from({ length: 501 }, (_, i) => `E0${String(8_000_001 + i)}`).join(',');
    const tooMany = await client.inject(`/api/v1/opportunities?bodies=${many}`);
    assert.equal(tooMany.statusCode, 422);
    assert.match(JSON.stringify(tooMany.json()), /choose at most 500/);
    const assumption = await client.inject('/api/v1/opportunities?bodies=E08000009&assume=category=9-2');
    assert.match(JSON.stringify(assumption.json()), /low must not exceed high/);
  });
  test('synthetic demo spend is labelled wherever it is counted', async () => {
    const { seedDemoSpend } = await import('../../src/demo/spend.js');
    const before = (await client.inject('/suppliers')).body;
    assert.doesNotMatch(before, /synthetic demo spend/);
    await seedDemoSpend(database());
    for (const url of [
      '/suppliers',
      '/categories',
      '/bodies/E08000001',
      '/opportunities?partnership=tri-council',
      '/bodies/E08000001/partners',
    ]) {
      assert.match((await client.inject(url)).body, /These figures include synthetic demo spend/, url);
    }
    // A body without generated spend says nothing of it.
    assert.doesNotMatch((await client.inject('/bodies/E07000178')).body, /synthetic demo spend/);
  });
});
