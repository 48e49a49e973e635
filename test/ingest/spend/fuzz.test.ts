/**
 * The spend reader against thousands of files made by mutating real ones: whatever the bytes, it
 * answers with payments, rejections that name their row and column, or a refusal that names the file
 * and a row or field; never a crash or a hang. And a refused file stores nothing. FUZZ_RUNS sets the
 * number of cases (the closing lines print how many ran).
 */
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { generateSpendFile } from '../../../bench/generate-spend.js';
import { seedDemo } from '../../../src/demo/seed.js';
import { InputError } from '../../../src/domain/errors.js';
import { openSpendFile } from '../../../src/ingest/spend/read.js';
import { type Database, openDatabase } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { importSpend } from '../../../src/services/store-spend.js';
import { hasSharedData, sharedData } from '../../helpers/databases.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);
/** Far beyond the few milliseconds a case takes: longer is a hang. */
const CASE_TIMEOUT_MS = 10_000;

const work = mkdtempSync(join(tmpdir(), 'pathfinder-fuzz-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The first lines of each real sample (or of a generated file where they are absent): the seeds. */
const seeds: Buffer[] = [];
before(async () => {
  const generated = join(work, 'generated.csv');
  await generateSpendFile(generated, 60, 'Oxford City Council');
  const files = [generated];
  if (hasSharedData)
    for (const name of [
      'oxford-city-apr-jun-2014.csv',
      'oxford-city-jul-sep-2017.csv',
      'trafford-procurement-card-2025-26.csv',
    ])
      files.push(join(sharedData, 'spend-samples', name));
  seeds.push(await workbookOf(readFileSync(generated, 'utf8')));
  for (const path of files) {
    const text = readFileSync(path);
    // About sixty lines: enough for a header, payments and a total row, small enough for thousands of cases.
    let end = 0;
    for (let lines = 0; lines < 60 && end >= 0; lines++) end = text.indexOf(10, end + 1);
    seeds.push(end > 0 ? text.subarray(0, end + 1) : text);
  }
});

/** The same rows as a workbook, so that zipped XML is mutated too. */
async function workbookOf(csv: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Spend');
  for (const line of csv.trim().split(/\r?\n/)) sheet.addRow(line.split(','));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Bytes that break readers: quotes, separators, line ends, NUL, a BOM, invalid UTF-8, a long run. */
const nasty = fc.oneof(
  fc.constantFrom(
    '"',
    '""',
    ',',
    ';',
    '\t',
    '\r',
    '\n',
    '\r\n',
    '\u0000',
    '\uFEFF',
    '£',
    '(',
    ')',
    'CR',
    '-',
  ),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

type Mutation = (file: Buffer) => Buffer;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), nasty).map(([at, text]) => (f: Buffer) => {
    const i = at % (f.length + 1);
    return Buffer.concat([f.subarray(0, i), Buffer.from(text, 'latin1'), f.subarray(i)]);
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 300 })).map(([at, n]) => (f: Buffer) => {
    const i = at % (f.length + 1);
    return Buffer.concat([f.subarray(0, i), f.subarray(i + n)]);
  }),
  fc.nat().map((at) => (f: Buffer) => f.subarray(0, at % (f.length + 1))),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (f: Buffer) => {
    const lines = f.toString('latin1').split('\n');
    const [i, j] = [a % lines.length, b % lines.length];
    [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
    return Buffer.from(lines.join('\n'), 'latin1');
  }),
  fc.constant((f: Buffer) =>
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(f.toString('latin1'), 'utf16le')]),
  ),
);

const cases = fc.tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }));

function mutated([seed, mutations]: [number, Mutation[]]): Buffer {
  return mutations.reduce((file, m) => m(file), seeds[seed % seeds.length] as Buffer);
}

/** Rejects if `work` takes longer than a case may. */
async function withinTime<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A refusal must be an InputError naming the file and, where it has problems, each one's row or field. */
function checkRefusal(error: unknown, file: string) {
  if (!(error instanceof InputError)) throw error;
  assert.equal(error.file, file, error.message);
  for (const p of error.problems) assert.ok(p.row !== undefined || p.field, JSON.stringify(p));
}

let counter = 0;
const write = (bytes: Buffer) => {
  const name = `case-${++counter}.${bytes.subarray(0, 2).toString() === 'PK' ? 'xlsx' : 'csv'}`;
  writeFileSync(join(work, name), bytes);
  return name;
};

test(`the reader answers ${RUNS.toLocaleString('en-GB')} mutated real files without a crash or a hang`, async (t) => {
  let refused = 0;
  let read = 0;
  await fc.assert(
    fc.asyncProperty(cases, async (c) => {
      const name = write(mutated(c));
      try {
        await withinTime(
          (async () => {
            const { batches } = await openSpendFile(join(work, name));
            for await (const batch of batches)
              for (const item of batch) {
                if (item.kind === 'rejected') {
                  assert.ok(item.rejection.row >= 1);
                  assert.ok(item.rejection.field && item.rejection.reason);
                }
                if (item.kind === 'payment') assert.ok(Number.isSafeInteger(item.payment.amountPence));
              }
          })(),
        );
        read++;
      } catch (error) {
        checkRefusal(error, name);
        refused++;
      }
    }),
    { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261201) },
  );
  t.diagnostic(`${RUNS} cases: ${read} read, ${refused} refused by name`);
});

test('a mutated file refused part-way stores nothing of itself', async (t) => {
  const db: Database = await openDatabase();
  try {
    await migrate(db);
    await seedDemo(db);
    const stored = async () =>
      (
        await db.query<{ n: string }>(
          `SELECT (SELECT count(*) FROM payments)::text || '/' || (SELECT count(*) FROM spend_imports)::text
           || '/' || (SELECT coalesce(sum(amount_pence), 0) FROM spend_cube)::text AS n`,
        )
      )[0]?.n;
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const name = write(mutated(c));
        const before = await stored();
        try {
          await withinTime(
            (async () => {
              const { layout, batches } = await openSpendFile(join(work, name));
              await importSpend(db, { file: name, sha256: name, layout, batches }, { bodyCode: 'E07000178' });
            })(),
          );
        } catch (error) {
          checkRefusal(error, name);
          refusals++;
          assert.equal(await stored(), before, 'nothing stored on refusal');
        }
      }),
      { numRuns: Math.ceil(RUNS / 20), seed: Number(process.env.FUZZ_SEED ?? 20261201) },
    );
    t.diagnostic(`${refusals} of ${Math.ceil(RUNS / 20)} imports refused, each leaving the store as it was`);
  } finally {
    await db.close();
  }
});
