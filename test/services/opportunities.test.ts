import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { seedDemo } from '../../src/demo/seed.js';
import { annualised } from '../../src/domain/opportunities.js';
import { importSpendFile } from '../../src/services/import-spend.js';
import { bodyPicture } from '../../src/services/body-picture.js';
import { opportunityReport } from '../../src/services/opportunities.js';
import { buildApp } from '../../src/server/app.js';
import { emptyRegister, forEachDatabase, TESTER } from '../helpers/databases.js';
import { type PublishedPayment, writeSpendFile } from '../helpers/factories.js';

const OXFORD = 'E07000178';
const TRAFFORD = 'E08000009';
const work = mkdtempSync(join(tmpdir(), 'pathfinder-opportunities-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** One payment a month, on the first, from April 2024 for `months` months. */
const monthly = (supplier: string, amount: string, months: number): PublishedPayment[] =>
  Array.from({ length: months }, (_, i) => {
    const month = ((3 + i) % 12) + 1;
    const year = 2024 + Math.floor((3 + i) / 12);
    return { date: `01/${String(month).padStart(2, '0')}/${year}`, supplier, amount };
  });

test('a year of spend is the months held scaled to twelve', () => {
  const facts = [
    { bodyCode: 'A', supplierId: 1, category: '13' as const, spendPence: 300_000, payments: 3 },
    { bodyCode: 'B', supplierId: 1, category: '13' as const, spendPence: 1_200_000, payments: 12 },
  ];
  const months: Record<string, number> = { A: 3, B: 12 };
  assert.deepEqual(
    annualised(facts, (code) => months[code] ?? 0).map((f) => f.spendPence),
    [1_200_000, 1_200_000],
  );
});

forEachDatabase('opportunities like for like', (database) => {
  before(async () => {
    await emptyRegister(database());
    await seedDemo(database());
    // Oxford's files cover three months, Trafford's twelve; both pay the same cleaner, and HMRC.
    const oxford = writeSpendFile(work, 'oxford-q1.csv', [
      ...monthly('Acme Cleaning Ltd', '1,000.00', 3),
      ...monthly('HMRC', '5,000.00', 3),
    ]);
    const trafford = writeSpendFile(work, 'trafford-year.csv', [
      ...monthly('Acme Cleaning Limited', '1,000.00', 12),
      ...monthly('HMRC', '5,000.00', 12),
    ]);
    await importSpendFile(database(), TESTER, oxford, { bodyCode: OXFORD });
    await importSpendFile(database(), TESTER, trafford, { bodyCode: TRAFFORD });
  });

  test('each body’s months are stated, and a shorter one is sized on its year, not its months', async () => {
    const r = await opportunityReport(database(), { bodies: [OXFORD, TRAFFORD] });
    assert.equal(r.periodMonths, 12);
    const byBody = Object.fromEntries(
      r.byBody.map((b) => [b.bodyCode, [b.months, b.spendPence, b.annualPence]]),
    );
    assert.deepEqual(byBody, {
      [OXFORD]: [3, 300_000, 1_200_000],
      [TRAFFORD]: [12, 1_200_000, 1_200_000],
    });
    assert.deepEqual([r.totalPence, r.annualPence], [1_500_000, 2_400_000]);
    const acme = r.opportunities.find((o) => o.type === 'supplier');
    assert.equal(acme?.addressablePence, 2_400_000, 'a year of both bodies’ spend with the cleaner');
  });

  test('HMRC is left out as tax, by body, and is no opportunity', async () => {
    const r = await opportunityReport(database(), { bodies: [OXFORD, TRAFFORD] });
    assert.deepEqual(r.excluded, [
      {
        reason: 'tax',
        label: 'Tax and duty',
        spendPence: 7_500_000,
        byBody: { [OXFORD]: 1_500_000, [TRAFFORD]: 6_000_000 },
      },
    ]);
    for (const o of r.opportunities) assert.doesNotMatch(o.title, /HMRC/);
  });

  test('a body’s page leads with its own spend a year, its best partners and opportunities with them', async () => {
    const picture = await bodyPicture(database(), OXFORD);
    assert.ok(picture);
    assert.deepEqual([picture.annualPence, picture.months], [1_200_000, 3]);
    assert.equal(picture.partners[0]?.code, TRAFFORD);
    assert.match(picture.opportunities[0]?.title ?? '', /^Acme Cleaning/);
    assert.deepEqual(
      picture.excluded.map((x) => [x.reason, x.spendPence]),
      [['tax', 1_500_000]],
    );
    const app = await buildApp({ db: database() });
    try {
      const page = (await app.inject(`/bodies/${OXFORD}`)).body;
      assert.match(page, /Where Oxford City Council could buy or work with others/);
      assert.match(page, /£12k a year<\/strong> \(scaled from 3 months of published spend\)/);
      assert.match(page, /<a class="govuk-link" href="\/bodies\/E08000009">Trafford/);
    } finally {
      await app.close();
    }
  });
});
