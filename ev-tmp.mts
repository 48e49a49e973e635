import { openDatabase } from './src/store/db.ts';
import { evidencePayments, selectBodies } from './src/store/opportunities.ts';
const db = await openDatabase({ dataDir: process.argv[2] });
const bodies = await selectBodies(db, { bodies: ['E07000178', 'E08000009'] } as never);
const sel = { bodies, from: '2014-06-01', to: '2025-03-01' };
for (const category of ['39', '39']) {
  const t = performance.now();
  const rows = await evidencePayments(db, sel, { category });
  console.log(category, rows.length, Math.round(performance.now() - t), 'ms');
}
await db.close();
