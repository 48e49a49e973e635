/**
 * Spend import speed and memory: `npm run bench:import [-- --rows 1000000]`.
 * Generates a realistic file, then times, each in its own process so peak memory is its own:
 *   - a bare CSV parse loop (Papa Parse, counting rows and summing amounts): the floor for reading;
 *   - DuckDB's own CSV import (@duckdb/node-api, installed for the bench only): the near-limit reference;
 *   - Pathfinder's import into PGlite (data folder on disk) and into PostgreSQL (a database it creates and drops):
 *     a body's first file, loaded bare and indexed once; then, on PostgreSQL, the same file again, every
 *     payment already held (a later file's path: through a temporary table into payments, held ones left out).
 *   - each database's own share of the load: the payments it stored, already read, COPYed again in the
 *     import's batches into a new partition and attached (indexes built): the floor under the load.
 * "load" is the file read and its payments written; "whole" adds indexing, suppliers, categories and the
 * cube, to the commit. Those phases run under tsx, which costs memory of its own in every thread: the
 * memory goals are read from the commands as shipped (compiled), `pathfinder migrate` making a new
 * database and `pathfinder import spend` into a copy of the one pglite-create made.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DUCKDB_DIR, ensureDuckDb } from './duckdb.js';
import { generateSpendFile } from './generate-spend.js';
import { LAUNCH, peakMbOf } from './processes.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    phase: { type: 'string' },
    file: { type: 'string' },
    dir: { type: 'string' },
  },
});
const root = join(import.meta.dirname, '..');
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

if (values.phase) {
  // One measured phase, in a child process; prints "rows seconds".
  const file = values.file as string;
  const { run, timing } = await import('./import-phases.js');
  timing.started = performance.now();
  const rows = await run(values.phase, file, {
    adminUrl: ADMIN_URL,
    duckdbDir: DUCKDB_DIR,
    dataDir: values.dir,
  });
  const seconds = (performance.now() - timing.started) / 1000;
  const loadSeconds = ((timing.loaded || performance.now()) - timing.started) / 1000;
  console.log(JSON.stringify({ rows, seconds, loadSeconds, peakMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const rows = Number(values.rows);
  const work = mkdtempSync(join(tmpdir(), 'pathfinder-bench-'));
  const file = join(work, 'spend.csv');
  try {
    console.log(`Generating ${rows.toLocaleString('en-GB')} rows…`);
    await generateSpendFile(file, rows);
    console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB\n`);
    ensureDuckDb();
    const phases = [
      ['parse', 'bare CSV parse loop (baseline)'],
      ['duckdb', 'DuckDB read_csv into a table (baseline)'],
      ['pglite-create', 'PGlite: a new database, migrated'],
      ['pglite', 'Pathfinder import, PGlite on disk'],
      ['store-pglite', 'PGlite: storing alone (the floor)'],
      ['postgres', 'Pathfinder import, PostgreSQL'],
      ['postgres-again', 'the same file again, PostgreSQL'],
      ['store-postgres', 'PostgreSQL: storing alone (the floor)'],
    ] as const;
    console.log(
      ['phase'.padEnd(40), 'rows', 'load s', 'load × DuckDB', 'whole s', 'rows/s', 'peak MB'].join('\t'),
    );
    let duck = 0;
    const goals: string[] = [];
    for (const [phase, label] of phases) {
      const pathfinders = phase.startsWith('pglite') || phase.startsWith('postgres');
      const run = spawnSync(
        process.execPath,
        [
          // Pathfinder's phases run as the pathfinder command starts Node; the floors, holding a million
          // rows ready to store, with Node's own heap sizes.
          ...(pathfinders ? LAUNCH.flags : []),
          '--import',
          'tsx',
          join(import.meta.dirname, 'import.ts'),
          '--phase',
          phase,
          '--file',
          file,
          '--dir',
          join(work, 'pglite'),
        ],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
          env: { ...process.env, ...(pathfinders ? LAUNCH.env : {}) },
        },
      );
      const last = run.stdout.trim().split('\n').pop() ?? '';
      if (run.status !== 0 || !last.startsWith('{')) {
        console.log(
          `${label.padEnd(40)}\tfailed: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ')}`,
        );
        // The other phases still run and print; the run as a whole fails, so CI's small mode sees it.
        process.exitCode = 1;
        continue;
      }
      const r = JSON.parse(last) as { rows: number; seconds: number; loadSeconds: number; peakMb: number };
      if (phase === 'duckdb') duck = r.seconds;
      const loadTimes = duck ? r.loadSeconds / duck : 0;
      console.log(
        [
          label.padEnd(40),
          r.rows,
          r.loadSeconds.toFixed(2),
          duck ? loadTimes.toFixed(1) : '–',
          r.seconds.toFixed(2),
          Math.round(r.rows / r.seconds),
          Math.round(r.peakMb),
        ].join('\t'),
      );
      // Issue 20's bars: the load within 3× DuckDB's; the whole import into PostgreSQL at 100,000 rows/s.
      if (phase === 'pglite' || phase === 'postgres')
        goals.push(`${phase} load ${loadTimes.toFixed(1)}× DuckDB (goal ≤ 3×)`);
      // What the database's own work leaves of that goal for reading and checking the file.
      if (phase === 'store-pglite' || phase === 'store-postgres')
        goals.push(`${phase} alone ${loadTimes.toFixed(1)}× DuckDB`);
      if (phase === 'postgres')
        goals.push(`PostgreSQL whole ${Math.round(r.rows / r.seconds)} rows/s (goal ≥ 100,000)`);
      if (phase === 'pglite-create')
        cpSync(join(work, 'pglite'), join(work, 'pglite-command'), { recursive: true });
    }
    const commands = [
      ['pathfinder migrate (compiled), a new PGlite', 0, ['--data-dir', join(work, 'pglite-new'), 'migrate']],
      [
        'pathfinder import spend (compiled), PGlite',
        rows,
        ['--data-dir', join(work, 'pglite-command'), 'import', 'spend', file, '--body', 'E06009999'],
      ],
    ] as const;
    for (const [label, count, args] of commands) {
      const command = await compiled([...args]);
      console.log(
        [label.padEnd(40), count, '–', '–', command.seconds.toFixed(2), Math.round(count / command.seconds)]
          .concat(Math.round(command.peakMb))
          .join('\t'),
      );
      goals.push(`${label}: peak ${Math.round(command.peakMb)} MB (goal < 400)`);
    }
    console.log(`goals: ${goals.join('; ')}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A command as a person runs it, built as `npm start` builds it, started as it starts Node; its peak is
 * read from /proc as it runs (the high-water mark only rises, so the last reading is the peak but for
 * the moment it exits).
 */
async function compiled(args: string[]) {
  const build = spawnSync('npm', ['run', 'build:if-changed', '--silent'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
  const started = performance.now();
  const child = spawn(process.execPath, [...LAUNCH.flags, join(root, 'dist', 'cli', 'main.js'), ...args], {
    env: { ...process.env, ...LAUNCH.env },
  });
  let peakMb = 0;
  const reading = setInterval(() => {
    try {
      peakMb = Math.max(peakMb, peakMbOf(child.pid));
    } catch {
      // exited between readings
    }
  }, 50);
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(reading);
  if (code !== 0)
    throw new Error(`pathfinder ${args.join(' ')} exited with ${code}:\n${errors.slice(-2000)}`);
  return { seconds: (performance.now() - started) / 1000, peakMb };
}
