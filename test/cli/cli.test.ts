import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { needsSharedData, sharedData } from '../helpers/databases.js';
import { makeBody, makeBusinessCase, makePartnership } from '../helpers/factories.js';
import { openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { businessCaseReport } from '../../src/services/business-case.js';
import { formatPounds } from '../../src/domain/money.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the real command on its own embedded database folder, as a user would. */
function pathfinder(...args: string[]) {
  return pathfinderIn(join(work, 'data'), ...args);
}

function pathfinderIn(dataDir: string, ...args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', dataDir, ...args],
    { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } },
  );
  return { code: run.status, out: run.stdout, err: run.stderr };
}

test('every command explains itself with --help', () => {
  const help = pathfinder('--help');
  assert.equal(help.code, 0);
  for (const command of ['serve', 'migrate', 'import', 'export'])
    assert.match(help.out, new RegExp(`^  ${command}`, 'm'));
  assert.match(pathfinder('import', 'bodies', '--help').out, /local-authority register/);
  assert.match(pathfinder('export', 'register', '--help').out, /--format <format>/);
});

test(
  'imports the register of councils, refuses a bad file with its row and field, and exports',
  needsSharedData,
  () => {
    const file = join(sharedData, 'reference', 'uk_local_authorities.csv');
    const loaded = pathfinder('import', 'bodies', file);
    assert.equal(loaded.code, 0, loaded.err);
    assert.match(loaded.out, /470 bodies read, 470 added, 0 updated/);

    const bad = join(work, 'bad.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    const index = lines.findIndex((line) => line.includes(',MD,'));
    lines[index] = (lines[index] as string).replace(',MD,', ',PARISH,');
    writeFileSync(bad, lines.join('\n'));
    const refused = pathfinder('import', 'bodies', bad);
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      new RegExp(`${bad}, row ${index + 1}, local-authority-type: Unknown type "PARISH"`),
    );
    assert.doesNotMatch(refused.err, /at .*\.ts:\d+/, 'no stack trace');

    const out = join(work, 'partnerships.csv');
    assert.equal(pathfinder('export', 'register', '--format', 'csv', '--out', out).code, 0);
    // A fresh folder with only the register import has bodies but no partnerships yet.
    assert.deepEqual(parse(readFileSync(out, 'utf8'), { columns: true, bom: true }), []);
    const json = JSON.parse(pathfinder('export', 'register').out);
    assert.equal(json.bodies.length, 470);
  },
);

test(
  'a price index loads from ONS’s file, refusing a bad one or a missing one in words',
  needsSharedData,
  () => {
    const dataDir = join(work, 'prices');
    const file = join(sharedData, 'reference', 'ons-cpi-index-d7bt.csv');
    const loaded = pathfinderIn(dataDir, 'import', 'price-index', file);
    assert.equal(loaded.code, 0, loaded.err);
    assert.match(
      loaded.out,
      /D7BT \(CPI INDEX 00: ALL ITEMS 2015=100\), \d+ figures, months 1988-01 to 2026-02\./,
    );
    const bad = join(work, 'cpi-bad.csv');
    writeFileSync(bad, readFileSync(file, 'utf8').replace('"2024 JAN","131.5"', '"2024 JAN","0x10"'));
    const refused = pathfinderIn(dataDir, 'import', 'price-index', bad);
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      new RegExp(`${bad}, row \\d+, value: The index for 2024 JAN must be a positive number`),
    );
    const missing = pathfinderIn(dataDir, 'import', 'price-index', join(work, 'nowhere.csv'));
    assert.equal(missing.code, 1);
    assert.equal(missing.err.trim(), `Cannot read ${join(work, 'nowhere.csv')}: there is no such file.`);
    const folder = pathfinderIn(dataDir, 'import', 'price-index', work);
    assert.equal(folder.err.trim(), 'Cannot read the file: it is a folder, not a file.');
  },
);

test('a register document with an unknown body is refused whole', () => {
  const doc = join(work, 'register.json');
  writeFileSync(
    doc,
    JSON.stringify({
      partnerships: [{ name: 'Nowhere partnership', kind: 'merger', members: [{ bodyCode: 'ZZ99' }] }],
    }),
  );
  const refused = pathfinder('import', 'register', doc);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /partnerships\.0\.members\.0\.bodyCode: No body has the code ZZ99/);
  writeFileSync(doc, '{ not json');
  assert.match(pathfinder('import', 'register', doc).err, /is not valid JSON/);
});

test(
  'spend into suppliers, categories, opportunities and a business case, all from the terminal',
  needsSharedData,
  () => {
    const spend = (file: string, body: string) =>
      pathfinder('import', 'spend', '--body', body, join(sharedData, 'spend-samples', file));
    assert.equal(spend('oxford-city-jul-sep-2017.csv', 'E07000178').code, 0);
    assert.equal(spend('trafford-supplier-spend-2026-27.csv', 'E08000009').code, 0);

    const resolved = pathfinder('suppliers', 'resolve');
    assert.equal(resolved.code, 0, resolved.err);
    assert.match(resolved.out, /payee names grouped into [\d,]+ suppliers/);
    const shown = pathfinder('suppliers', 'show', 'reed specialist recruitment');
    assert.match(shown.out, /Reed Specialist Recruitment/i);
    assert.match(shown.out, /E07000178/);
    assert.match(shown.out, /E08000009/);
    assert.match(
      pathfinder('suppliers', 'show', 'no such supplier anywhere').err,
      /No supplier is named like/,
    );
    // Oxford's 2017 file gives account codes, not expense types: they wait for a person.
    assert.match(pathfinder('categories', 'unmapped', '--body', 'E07000178').out, /E07000178 {2}Y021/);

    const table = pathfinder(
      'opportunities',
      '--bodies',
      'E07000178,E08000009',
      '--from',
      '2017-01',
      '--to',
      '2026-12',
    );
    assert.equal(table.code, 0, table.err);
    assert.match(
      table.out,
      /2 bodies, 2017-01 to 2026-12: combined addressable spend £[\d,.]+ \(£[\d,.]+ a year\)/,
    );
    assert.match(table.out, /left out: tax and duty £/);
    const csv = pathfinder(
      'opportunities',
      '--bodies',
      'E07000178,E08000009',
      '--format',
      'csv',
      '--table',
      'bodies',
    );
    const rows = parse(csv.out, { columns: true, bom: true }) as Record<string, string>[];
    const leftOut = parse(
      pathfinder('opportunities', '--bodies', 'E07000178,E08000009', '--format', 'csv', '--table', 'excluded')
        .out,
      { columns: true, bom: true },
    ) as Record<string, string>[];
    // Oxford's addressable spend and what was left out of it make the file's total, to the penny.
    const penceOf = (pounds: string | undefined) => Math.round(Number(pounds) * 100);
    assert.equal(
      penceOf(rows.find((r) => r['Body code'] === 'E07000178')?.['Spend (£)']) +
        leftOut.reduce((sum, r) => sum + penceOf(r.E07000178), 0),
      1_134_400_535,
    );
    assert.match(pathfinder('opportunities', '--bodies', 'NOPE').err, /No body has the code NOPE/);

    const doc = join(work, 'register-with-partnership.json');
    writeFileSync(
      doc,
      JSON.stringify({
        partnerships: [
          {
            slug: 'oxford-trafford',
            name: 'Oxford and Trafford',
            kind: 'joint_procurement',
            members: [{ bodyCode: 'E07000178' }, { bodyCode: 'E08000009' }],
          },
        ],
      }),
    );
    assert.equal(pathfinder('import', 'register', doc).code, 0);
    assert.match(pathfinder('business-case', 'show', '99').err, /No business case has the number 99/);
  },
);

test('business-case show prints the figures the API and the page give', async () => {
  // A case stored in a folder of its own, then read by the command in a separate process.
  const dataDir = join(work, 'business-case');
  const db = await openDatabase({ dataDir });
  let id: number;
  let report: Awaited<ReturnType<typeof businessCaseReport>>;
  try {
    await migrate(db);
    const [a, b] = [await makeBody(db, { population: 100_000 }), await makeBody(db, { population: 50_000 })];
    const partnership = await makePartnership(db, [a, b]);
    id = await makeBusinessCase(db, {
      partnership,
      partners: [
        { bodyCode: a, baselinePence: 90_000_000 },
        { bodyCode: b, baselinePence: 50_000_000 },
      ],
      runningPence: 120_000_000,
      oneOffs: [{ year: 0, kind: 'it', amountPence: 20_000_000 }],
      discountPercent: 3.5,
      horizonYears: 10,
    });
    report = await businessCaseReport(db, id);
  } finally {
    await db.close();
  }
  const shown = pathfinderIn(dataDir, 'business-case', 'show', String(id));
  assert.equal(shown.code, 0, shown.err);
  assert.ok(shown.out.includes(`NPV ${formatPounds(report.result.npvPence)} in real terms`));
  for (const p of report.result.partners) assert.ok(shown.out.includes(`NPV ${formatPounds(p.npvPence)}`));
  for (const y of report.result.years)
    assert.ok(
      shown.out.includes(`year ${y.year}: ${formatPounds(y.netPence)}; ${formatPounds(y.discountedPence)}`),
    );
  assert.match(shown.out, /Running cost: the case stops saving beyond up [\d.]+%/);
});

test('users are added, listed and reset from the command line, each with a one-time link', () => {
  const added = pathfinder(
    'users',
    'add',
    '--email',
    'Chief.Officer@Example.gov.uk',
    '--name',
    'Chief Officer',
    '--site-admin',
  );
  assert.equal(added.code, 0, added.err);
  assert.match(added.out, /Added chief\.officer@example\.gov\.uk/);
  assert.match(added.out, /http:\/\/localhost:3000\/reset-password\/[\w-]{43}/);
  const listed = pathfinder('users', 'list');
  assert.match(
    listed.out,
    /chief\.officer@example\.gov\.uk\tChief Officer\t-\tviewer \+ site admin\tinvited/,
  );
  const reset = pathfinder('users', 'reset', 'chief.officer@example.gov.uk');
  assert.equal(reset.code, 0, reset.err);
  assert.match(reset.out, /is unlocked/);
  const unknown = pathfinder('users', 'reset', 'nobody@example.gov.uk');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /No account has the address nobody@example\.gov\.uk/);
  const refused = pathfinder(
    'users',
    'add',
    '--email',
    'not-an-address',
    '--name',
    'X',
    '--body',
    'E08000009',
  );
  assert.equal(refused.code, 1);
  assert.match(refused.err, /email: Enter an email address in the correct format/);
});

test('the first start makes the first site administrator from the environment, who can sign in', async () => {
  const dataDir = join(work, 'first-start');
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', dataDir, 'serve', '--no-demo', '--port', '0'],
    {
      env: {
        ...process.env,
        DATABASE_URL: '',
        PATHFINDER_ADMIN_EMAIL: 'a@example.gov.uk',
        PATHFINDER_ADMIN_PASSWORD: 'a long first password',
      },
    },
  );
  try {
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk));
    const address = await new Promise<string>((resolve, reject) => {
      server.on('exit', () => reject(new Error(`serve stopped: ${output}`)));
      const poll = setInterval(() => {
        const found = /Pathfinder is running at (http:\/\/\S+)/.exec(output)?.[1];
        if (found) {
          clearInterval(poll);
          resolve(found);
        }
      }, 100);
    });
    assert.match(output, /Made a@example\.gov\.uk the first site administrator/);
    const form = await fetch(`${address}/sign-in`);
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] as string;
    const signedIn = await fetch(`${address}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        email: 'a@example.gov.uk',
        password: 'a long first password',
        _csrf: token,
      }),
    });
    assert.equal(signedIn.status, 303);
  } finally {
    server.kill();
  }
});
