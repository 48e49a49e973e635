/**
 * A benefits plan on the demo's synthetic spend, so that the partnership, body and dashboard pages
 * show planned, recorded and evidenced savings on first start. Its figures are made up and its name
 * says so; the spend it is measured against is the demo's own, labelled synthetic wherever shown.
 */
import type { Sql } from '../store/db.js';
import { saveBenefitsPlan, saveRealisedSaving } from '../store/benefits.js';

const TRI_COUNCIL = ['E10000028', 'E06000051', 'E10000034'];

export async function seedDemoBenefits(db: Sql) {
  const [held] = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM partnership_members m JOIN partnerships p ON p.id = m.partnership_id
     JOIN bodies b ON b.id = m.body_id WHERE p.slug = 'tri-council' AND b.code = ANY($1)`,
    [TRI_COUNCIL],
  );
  if (held?.count !== TRI_COUNCIL.length) return;
  await db.transaction(async (tx) => {
    const id = await saveBenefitsPlan(tx, 'tri-council', {
      name: 'Joint IT contracts (a demo plan on synthetic spend)',
      goLive: '2023-04',
      baselineFrom: '2022-04',
      baselineTo: '2023-03',
      measures: [{ kind: 'category', value: '27' }],
      partners: TRI_COUNCIL.map((bodyCode, i) => ({
        bodyCode,
        plannedPence: [10_000_000 + 5_000_000 * i, 20_000_000 + 5_000_000 * i, 25_000_000 + 5_000_000 * i],
      })),
      confidential: false,
    });
    await saveRealisedSaving(
      tx,
      id,
      {
        bodyCode: 'E10000028',
        year: 1,
        amountPence: 9_000_000,
        status: 'claimed',
        evidence: 'Demo: the renewed licence agreements against the old, from the contracts register',
        confirmedBy: 'Demo finance lead',
      },
      'demo',
    );
  });
}
