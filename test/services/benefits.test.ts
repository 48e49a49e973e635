/**
 * Benefits realisation worked on real spend: Trafford's 2024-25 file is the baseline, its file for
 * April and May 2026 the first year after a go-live in April 2026, and the saving should be seen in
 * what Trafford pays Cambian Childcare. Every figure is checked against sums made here from the
 * files themselves, with csv-parse rather than the importer's reader, to the penny.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { readPriceSeries } from '../../src/ingest/price-index.js';
import { benefitsReport } from '../../src/services/benefits.js';
import {
  loadPriceIndexRecord,
  recordRealisedSaving,
  saveBenefitsPlanRecord,
} from '../../src/services/records.js';
import { importSpendFile } from '../../src/services/import-spend.js';
import { getBenefitsPlan } from '../../src/store/benefits.js';
import { findSupplier, payeesOf } from '../../src/store/suppliers.js';
import { listChanges } from '../../src/store/audit.js';
import { FULL_ACCESS } from '../../src/domain/access.js';
import { emptyRegister, forEachDatabase, needsSharedData, sharedData, TESTER } from '../helpers/databases.js';
import { makeBody, makePartnership } from '../helpers/factories.js';

const TRAFFORD = 'E08000009';
const OXFORD = 'E07000178';
const SUPPLIER = 'Cambian Childcare Ltd';
const CPI = join(sharedData, 'reference', 'ons-cpi-index-d7bt.csv');

interface Row {
  BeneficiaryName: string;
  PaymentDate: string;
  Amount: string;
}
const rowsOf = (file: string): Row[] =>
  parse(readFileSync(join(sharedData, 'spend-samples', file)), { columns: true, bom: true });

/** Pence from "1234.5" without floating point: whole pounds and pence as digits. */
function pence(amount: string): number {
  const [pounds = '0', fraction = ''] = amount.trim().replace(/^-/, '').split('.');
  const value = Number(pounds) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return amount.trim().startsWith('-') ? -value : value;
}

/** The CPI by month from the file's own rows ("2025 JAN"), and its annual figure for 2025. */
function cpiByMonth(): { months: Map<string, number>; last: string; y2025: number } {
  const names = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  const months = new Map<string, number>();
  let y2025 = NaN;
  for (const [period = '', value = ''] of parse(readFileSync(CPI), {
    relax_column_count: true,
  }) as string[][]) {
    const m = /^(\d{4}) ([A-Z]{3})$/.exec(period);
    if (m) months.set(`${m[1]}-${String(names.indexOf(m[2] as string) + 1).padStart(2, '0')}`, Number(value));
    if (period === '2025') y2025 = Number(value);
  }
  return { months, last: [...months.keys()].sort().at(-1) as string, y2025 };
}

/** The supplier's spend in a period, as paid and in 2025 prices, annualised over the months the file has payments for. */
function expected(file: string, from: string, to: string) {
  const cpi = cpiByMonth();
  const rows = rowsOf(file).filter(
    (r) => r.PaymentDate.slice(0, 7) >= from && r.PaymentDate.slice(0, 7) <= to,
  );
  const months = new Set(rows.map((r) => r.PaymentDate.slice(0, 7))).size;
  let [cash, real] = [0, 0];
  for (const r of rows.filter((r) => r.BeneficiaryName === SUPPLIER)) {
    const month = r.PaymentDate.slice(0, 7);
    const index = cpi.months.get(month > cpi.last ? cpi.last : month) as number;
    cash += pence(r.Amount);
    real += (pence(r.Amount) * cpi.y2025) / index;
  }
  return {
    months,
    cash,
    annual: Math.round((cash * 12) / months),
    realAnnual: Math.round((real * 12) / months),
  };
}

forEachDatabase('benefits evidenced from real published spend', (database) => {
  test(
    'a supplier’s spend before and after go-live, to the penny, as paid and in 2025 prices',
    needsSharedData,
    async () => {
      const db = database();
      await emptyRegister(db);
      await makeBody(db, { code: TRAFFORD, name: 'Trafford Council', kind: 'metropolitan_district' });
      await makeBody(db, { code: OXFORD, name: 'Oxford City Council' });
      for (const file of ['trafford-supplier-spend-2024-25.csv', 'trafford-supplier-spend-2026-27.csv'])
        await importSpendFile(db, TESTER, join(sharedData, 'spend-samples', file), { bodyCode: TRAFFORD });
      await loadPriceIndexRecord(
        db,
        TESTER,
        readPriceSeries(readFileSync(CPI, 'utf8'), 'ons-cpi-index-d7bt.csv'),
        'ons-cpi-index-d7bt.csv',
      );

      const supplier = await findSupplier(db, SUPPLIER);
      // The independent sums below are by the file's name: the supplier must be that name alone.
      assert.deepEqual(
        (await payeesOf(db, supplier.id)).map((p) => p.name),
        [SUPPLIER],
      );
      const slug = await makePartnership(db, [TRAFFORD, OXFORD]);
      const id = await saveBenefitsPlanRecord(db, TESTER, slug, {
        name: 'Joint commissioning of children’s placements',
        goLive: '2026-04',
        baselineFrom: '2024-04',
        baselineTo: '2025-03',
        measures: [{ kind: 'supplier', value: String(supplier.id) }],
        partners: [
          { bodyCode: TRAFFORD, plannedPence: [50_000_000, 80_000_000] },
          { bodyCode: OXFORD, plannedPence: [10_000_000, 10_000_000] },
        ],
      });
      await recordRealisedSaving(db, TESTER, id, {
        bodyCode: TRAFFORD,
        year: 1,
        amountPence: 45_000_000,
        status: 'claimed',
        evidence: 'Placement costs from the ledger, April to May',
        confirmedBy: 'Head of finance',
      });
      const report = await benefitsReport(db, await getBenefitsPlan(db, id), {
        priceYear: 2025,
        thisMonth: '2026-12',
      });
      const before = expected('trafford-supplier-spend-2024-25.csv', '2024-04', '2025-03');
      const after = expected('trafford-supplier-spend-2026-27.csv', '2026-04', '2027-03');
      console.log(
        `Cambian Childcare: baseline £${before.cash / 100} paid, £${before.realAnnual / 100} a year in 2025 prices;`,
        `after £${after.cash / 100} over ${after.months} months, £${after.realAnnual / 100} a year in 2025 prices`,
      );
      assert.equal(before.months, 12);
      assert.equal(after.months, 2);

      const trafford = report.partners.find((p) => p.bodyCode === TRAFFORD);
      assert.ok(trafford);
      assert.deepEqual(trafford.baseline, {
        from: '2024-04',
        to: '2025-03',
        monthsHeld: 12,
        spendPence: before.cash,
        annualPence: before.annual,
        realAnnualPence: before.realAnnual,
      });
      assert.equal(trafford.years.length, 1, 'year 2 has not begun in December 2026');
      const [year1] = trafford.years;
      assert.ok(year1);
      assert.deepEqual(year1.spend, {
        from: '2026-04',
        to: '2027-03',
        monthsHeld: 2,
        spendPence: after.cash,
        annualPence: after.annual,
        realAnnualPence: after.realAnnual,
      });
      assert.equal(year1.seenPence, before.realAnnual - after.realAnnual);
      assert.ok((year1.seenPence as number) >= 25_000_000, 'the fall is at least half the £500,000 planned');
      assert.equal(year1.status, 'evidenced');
      assert.deepEqual(year1.recorded, { amountPence: 45_000_000, status: 'claimed' });
      assert.match(year1.words, /^Spend fell by £[\d,.]+ a year in 2025 prices \(over 2 months published\)/);
      assert.equal(report.prices?.lastMonth, '2026-02');
      // The payments behind the figure, one click away.
      assert.equal(
        report.partners[0]?.links[1]?.[0]?.href,
        `/opportunities/evidence?bodies=${TRAFFORD}&from=2026-04&to=2027-03&supplier=${supplier.id}`,
      );

      const oxford = report.partners.find((p) => p.bodyCode === OXFORD);
      assert.equal(oxford?.years[0]?.status, 'no-data');
      assert.equal(oxford?.years[0]?.words, 'No spend published for the baseline period');
      assert.deepEqual(report.years, [
        {
          year: 1,
          plannedPence: 60_000_000,
          recordedPence: 45_000_000,
          verifiedPence: 0,
          // The fall seen, up to the £500,000 planned.
          evidencedPence: Math.min(year1.seenPence as number, 50_000_000),
        },
      ]);

      // In prices as paid (no index loaded), the figures are the plain annualised sums.
      await db.query('DELETE FROM price_indices');
      const cash = await benefitsReport(db, await getBenefitsPlan(db, id), { thisMonth: '2026-12' });
      const cashYear = cash.partners[0]?.years[0];
      assert.equal(cashYear?.seenPence, before.annual - after.annual);
      assert.equal(cash.prices, undefined);
      assert.equal(cashYear?.spend.realAnnualPence, undefined);

      const trail = await listChanges(
        db,
        { ...FULL_ACCESS, administersBody: null },
        { recordType: 'benefits_plan', recordKey: String(id) },
      );
      assert.deepEqual(
        trail.map((e) => e.action),
        ['update', 'create'],
      );
    },
  );
});
