/**
 * Synthetic spend for the demo bodies, so the opportunity finder has something to show on first
 * start. Generated, not published: every page that counts it says so. The shape follows real files:
 * spend in proportion to population, a few large care and construction suppliers and a long tail,
 * the same supplier written differently by each council, expense types in each council's own words
 * (Trafford's with ProClass codes, as its real files have), and some redacted payees.
 */
import type { SpendItem, SpendRow } from '../domain/spend.js';
import { refreshSpendAnalysis } from '../services/spend-analysis.js';
import type { Sql } from '../store/db.js';
import { importSpend } from '../services/store-spend.js';
import { seedDemoBenefits } from './benefits.js';

/** The demo bodies with spend: the Greater Manchester councils, the Tri-Council and Wychavon–Malvern. */
export const DEMO_SPEND_BODIES: Record<string, number> = {
  E08000001: 288_248,
  E08000002: 190_708,
  E08000003: 555_741,
  E08000004: 237_628,
  E08000005: 223_659,
  E08000006: 262_697,
  E08000007: 294_197,
  E08000008: 227_117,
  E08000009: 237_579,
  E08000010: 330_712,
  E10000028: 883_172,
  E06000051: 325_415,
  E10000034: 598_070,
  E07000238: 131_084,
  E07000235: 79_445,
};
/** Financial years 2022-23 to 2024-25, from April 2022. */
const MONTHS = 36;

/** Categories bought, with each council's words for them and how much of spend they take. */
const CATEGORIES: { code: string; share: number; words: string[]; trade: string[] }[] = [
  {
    code: '32',
    share: 0.34,
    words: ['Residential care', 'Home care', 'Supported living', 'Foster care'],
    trade: ['Care', 'Homecare', 'Support', 'Fostering'],
  },
  {
    code: '39',
    share: 0.14,
    words: ['Building repairs', 'Capital works', 'Highways maintenance'],
    trade: ['Construction', 'Building', 'Contractors'],
  },
  {
    code: '36',
    share: 0.08,
    words: ['Home to school transport', 'Taxi services', 'Bus contracts'],
    trade: ['Travel', 'Taxis', 'Coaches'],
  },
  { code: '18', share: 0.08, words: ['Waste disposal', 'Recycling services'], trade: ['Waste', 'Recycling'] },
  {
    code: '27',
    share: 0.06,
    words: ['Software licences', 'Computer hardware', 'Telephony'],
    trade: ['Digital', 'Software', 'Systems'],
  },
  { code: '37', share: 0.05, words: ['Electricity', 'Gas', 'Water charges'], trade: ['Energy', 'Power'] },
  {
    code: '26',
    share: 0.05,
    words: ['Agency staff', 'Recruitment advertising', 'Training courses'],
    trade: ['Recruitment', 'Staffing', 'Training'],
  },
  {
    code: '15',
    share: 0.05,
    words: ['Consultancy fees', 'Professional services'],
    trade: ['Consulting', 'Advisory'],
  },
  { code: '28', share: 0.03, words: ['Legal fees', 'Counsel fees'], trade: ['Legal', 'Chambers'] },
  {
    code: '19',
    share: 0.04,
    words: ['Security services', 'Facilities management'],
    trade: ['Facilities', 'Security'],
  },
  {
    code: '13',
    share: 0.03,
    words: ['Cleaning contract', 'Cleaning materials'],
    trade: ['Cleaning', 'Hygiene'],
  },
  { code: '11', share: 0.02, words: ['School meals', 'Catering supplies'], trade: ['Catering', 'Foods'] },
  { code: '34', share: 0.01, words: ['Stationery', 'Printing'], trade: ['Print', 'Office Supplies'] },
  { code: '24', share: 0.02, words: ['Grounds maintenance', 'Tree works'], trade: ['Landscapes', 'Grounds'] },
];

const PLACES = [
  'Pennine',
  'Irwell',
  'Mersey',
  'Northern',
  'Central',
  'Midland',
  'Severn',
  'Vale',
  'Castle',
  'Beacon',
  'Summit',
  'Horizon',
  'Kingfisher',
  'Heron',
  'Oakwood',
  'Willow',
  'Ashdown',
  'Bridgewater',
  'Meadow',
  'Harbour',
];
const FORMS = ['Ltd', 'Limited', 'LTD', 'Ltd.', 'PLC', ''];

/** A seeded generator, so every demo database holds the same spend. */
function randomFrom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return { next, pick };
}

interface DemoSupplier {
  name: string;
  category: (typeof CATEGORIES)[number];
  /** Relative size: a few large suppliers take most of a category. */
  weight: number;
  /** Bodies it sells to: everyone, a region, or one council. */
  serves: (code: string) => boolean;
  companyNumber?: string;
}

function demoSuppliers(): DemoSupplier[] {
  const r = randomFrom(7);
  const gm = (code: string) => code.startsWith('E08');
  const west = (code: string) => !gm(code);
  const suppliers: DemoSupplier[] = [];
  CATEGORIES.forEach((category, c) => {
    for (let i = 0; i < 24; i++) {
      const reach = i < 4 ? 'national' : i < 12 ? 'regional' : 'local';
      const home = Object.keys(DEMO_SPEND_BODIES)[(c * 7 + i) % 15] as string;
      suppliers.push({
        name: `${r.pick(PLACES)} ${r.pick(category.trade)}${i % 3 === 0 ? ' Services' : i % 5 === 0 ? ' & Sons' : ''}`,
        category,
        weight: (1 / (i + 1)) ** 1.1,
        serves:
          reach === 'national'
            ? () => true
            : reach === 'regional'
              ? gm(home)
                ? gm
                : west
              : (code) => code === home,
        ...(i < 8 ? { companyNumber: String(9_000_000 + c * 100 + i).padStart(8, '0') } : {}),
      });
    }
  });
  // Names repeat across categories by chance; one supplier per name keeps the demo honest.
  const seen = new Set<string>();
  return suppliers.filter((s) => !seen.has(s.name) && seen.add(s.name));
}

/** How one council's ledger writes a supplier's name. */
function writtenBy(code: string, name: string): string {
  const style = Number(code.slice(-2)) % 4;
  const r = randomFrom(Number(code.slice(-3)) + name.length);
  const form = r.pick(FORMS);
  if (style === 0) return `${name} ${form}`.trim().toUpperCase();
  if (style === 1) return `${name} ${form}`.trim();
  if (style === 2) return `The ${name} ${form}`.trim();
  return `${name.replace(' & ', ' and ')} ${form}`.trim();
}

/** One body's payments over the three years, oldest first. */
export function* demoPayments(code: string): Generator<SpendRow> {
  const population = DEMO_SPEND_BODIES[code];
  if (!population) return;
  const r = randomFrom(Number.parseInt(code.slice(1), 36));
  const suppliers = demoSuppliers().filter((s) => s.serves(code));
  // About £1,100 a resident a year through payments over £500, split into about 2,400 payments a year.
  const yearly = population * 110_000;
  const payments = Math.round(2_400 * Math.sqrt(population / 250_000));
  let row = 1;
  for (let m = 0; m < MONTHS; m++) {
    const month = new Date(Date.UTC(2022, 3 + m, 1)).toISOString().slice(0, 10);
    for (const category of CATEGORIES) {
      const mine = suppliers.filter((s) => s.category === category);
      const total = mine.reduce((sum, s) => sum + s.weight, 0);
      const count = Math.max(1, Math.round((payments / 12) * category.share * (0.8 + 0.4 * r.next())));
      const budget = (yearly / 12) * category.share;
      for (let i = 0; i < count; i++) {
        let at = r.next() * total;
        const supplier = mine.find((s) => (at -= s.weight) <= 0) ?? (mine[0] as DemoSupplier);
        const day = 1 + Math.floor(r.next() * 27);
        const amount = Math.max(50_000, Math.round((budget / count) * (0.3 + 1.4 * r.next())));
        const redacted = category.code === '32' && r.next() < 0.05;
        const label = r.pick(category.words);
        row++;
        yield {
          row,
          paidOn: `${month.slice(0, 8)}${String(day).padStart(2, '0')}`,
          month,
          amountPence: r.next() < 0.01 ? -Math.round(amount / 10) : amount,
          supplierName: redacted ? 'Redacted - personal data' : writtenBy(code, supplier.name),
          redacted,
          transactionNumber: `${code.slice(-4)}-${row}`,
          ...(redacted || !supplier.companyNumber ? {} : { companyNumber: supplier.companyNumber }),
          // Trafford publishes ProClass codes; the others their own expense types.
          ...(code === 'E08000009'
            ? { categoryCode: `${category.code}0000`, categoryLabel: `${label.toUpperCase()}` }
            : { expenseType: label }),
        };
      }
    }
  }
}

/** Loads the synthetic spend for every demo body held, then resolves suppliers and categories. */
export async function seedDemoSpend(db: Sql): Promise<number> {
  const held = await db.query<{ code: string }>('SELECT code FROM bodies WHERE code = ANY($1)', [
    Object.keys(DEMO_SPEND_BODIES),
  ]);
  let stored = 0;
  for (const { code } of held) {
    // A body's demo spend is some thousands of payments, small enough to hand on as one batch.
    const batches = (async function* () {
      yield [...demoPayments(code)].map((payment): SpendItem => ({ kind: 'payment', payment }));
    })();
    const report = await importSpend(
      db,
      {
        file: 'Synthetic demo spend (generated, not real payments)',
        // Each body's payments are its own: not one file to be asked about for another body.
        sha256: `synthetic spend for ${code}`,
        synthetic: true,
        layout: { file: 'synthetic', format: 'csv', headerRow: 1, header: [], mapping: {} },
        batches,
      },
      { bodyCode: code },
    );
    stored += report.accepted;
  }
  await refreshSpendAnalysis(db);
  await seedDemoBenefits(db);
  return stored;
}
