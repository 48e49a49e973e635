#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-old-space-size=256 --max-semi-space-size=16
// The heap limit keeps a long import's memory flat: without it V8 lets garbage grow the heap to
// gigabytes before collecting (5 million rows peaked at 450 MB; with it, 330 MB, at the same speed).
// A larger young generation means fewer collections of the batch in hand: a million-row import took
// 10% less time (bench/import) for 30 MB more memory.
// glibc raises its threshold for giving large blocks their own mapping each time one is freed; then
// every batch's 1–2 MB buffers come from a heap that only grows. Held at 128 kB (the default's start),
// a million-row import's peak fell from 386–394 MB to 328–347 MB.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import { FULL_ACCESS } from '../domain/access.js';
import { InputError } from '../domain/errors.js';
import { registerDocument } from '../domain/register.js';
import { parseInput } from '../domain/validation.js';
import { registerCsv } from '../export/register.js';
import { readBodyRegister } from '../ingest/body-register.js';
import { readPriceSeries } from '../ingest/price-index.js';
import { sweepTempFolders } from '../ingest/temp-folders.js';
import { importRegisterRecord, loadPriceIndexRecord } from '../services/records.js';
import { importBodies } from '../store/bodies.js';
import { openDatabase } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { exportRegister } from '../store/register.js';
import { analysisCommands } from './analysis-commands.js';
import type { Cli } from './context.js';
import { serveCommand } from './serve.js';
import { spendCommands } from './spend-commands.js';
import { usersCommands } from './users.js';

const program = new Command()
  .name('pathfinder')
  .description('Find, plan and run shared services and joint buying between UK public bodies')
  .addOption(
    new Option('--data-dir <folder>', 'folder of the embedded database')
      .env('PATHFINDER_DATA_DIR')
      .default('./data'),
  )
  .addOption(
    new Option('--database-url <url>', 'a PostgreSQL server to use instead of the embedded database').env(
      'DATABASE_URL',
    ),
  )
  .showHelpAfterError()
  .hook('preAction', async (_program, action) => {
    purpose = ['pathfinder', ...commandPath(action)].join(' ');
    // What a process killed outright left in the temporary folder goes now.
    await sweepTempFolders();
  });

/** What this process is doing, named in the data folder's lock for any other process to read. */
let purpose = 'pathfinder';
function commandPath(command: Command): string[] {
  return command.parent ? [...commandPath(command.parent), command.name()] : [];
}

const cli: Cli = {
  program,
  operator: { name: `command line (${userInfo().username})` },
  async withDatabase(work) {
    // A command serves no requests while a statement runs: the embedded database shares its thread.
    const { db } = await storeNamedByOptions({ embeddedHere: true });
    try {
      return await work(db, await migrate(db));
    } finally {
      await db.close();
    }
  },
  openStore: () => storeNamedByOptions({ embeddedHere: false }),
};

async function storeNamedByOptions({ embeddedHere }: { embeddedHere: boolean }) {
  const { dataDir, databaseUrl } = program.opts<{ dataDir: string; databaseUrl?: string }>();
  return { db: await openDatabase({ url: databaseUrl, dataDir, purpose, embeddedHere }), dataDir };
}
const { withDatabase, operator } = cli;

serveCommand(cli);

program
  .command('migrate')
  .description('bring the database schema up to date (serve does this too)')
  .action(() =>
    withDatabase(async (_db, applied) => {
      console.log(applied.length ? `Applied migrations ${applied.join(', ')}.` : 'The schema is up to date.');
    }),
  );

const importCommand = program.command('import').description('load data from files');

importCommand
  .command('bodies')
  .description(
    'load or update bodies from the local-authority register CSV (mySociety uk_local_authorities.csv)',
  )
  .argument('<file>', 'the register file')
  .action((file: string) =>
    withDatabase(async (db) => {
      const records = readBodyRegister(await readFile(file, 'utf8'), file);
      const { created, updated } = await importBodies(db, records);
      console.log(`${file}: ${records.length} bodies read, ${created} added, ${updated} updated.`);
    }),
  );

spendCommands(cli, importCommand);

importCommand
  .command('price-index')
  .description(
    'load a price index in ONS’s CSV layout (CPI D7BT, or the GDP deflator), replacing the series held under its CDID',
  )
  .argument(
    '<file>',
    'the series as ONS publishes it: metadata rows, then "2024", "2024 Q1", "2024 JAN" rows',
  )
  .action((file: string) =>
    withDatabase(async (db) => {
      const series = readPriceSeries(await readFile(file, 'utf8'), file);
      await loadPriceIndexRecord(db, operator, series, basename(file));
      const months = series.points.filter((p) => p.period.includes('-')).map((p) => p.period);
      console.log(
        `${file}: ${series.series} (${series.title}), ${series.points.length} figures, months ${months[0]} to ${months.at(-1)}.`,
      );
    }),
  );

importCommand
  .command('register')
  .description('load a register document (JSON, as written by "export register")')
  .argument('<file>', 'the JSON file')
  .action((file: string) =>
    withDatabase(async (db) => {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`, [], file);
      }
      const doc = parseInput(registerDocument, json, 'register document');
      const result = await importRegisterRecord(db, operator, doc);
      console.log(
        `${file}: ${result.bodies.created + result.bodies.updated} bodies, ${result.partnerships} partnerships and ${result.projects} projects loaded.`,
      );
    }),
  );

analysisCommands(cli);

program
  .command('export')
  .description('write data out')
  .command('register')
  .description('write the register as JSON (bodies, partnerships, projects) or CSV (one table)')
  .addOption(new Option('--format <format>', 'file format').choices(['json', 'csv']).default('json'))
  .addOption(
    new Option('--table <table>', 'for CSV: which table')
      .choices(['partnerships', 'projects'])
      .default('partnerships'),
  )
  .option('-o, --out <file>', 'write to a file instead of the terminal')
  .action((options: { format: 'json' | 'csv'; table: 'partnerships' | 'projects'; out?: string }) =>
    withDatabase(async (db) => {
      const doc = await exportRegister(db, FULL_ACCESS);
      const text =
        options.format === 'csv' ? registerCsv(doc, options.table) : `${JSON.stringify(doc, null, 2)}\n`;
      if (options.out) await writeFile(options.out, text);
      else process.stdout.write(text);
    }),
  );

usersCommands(cli);

/** Why a file named on the command line could not be read, by the system's error code. */
const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'there is no such file',
  EACCES: 'permission is denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'part of the path is not a folder',
};

try {
  await program.parseAsync();
} catch (error) {
  // A problem with the input is the user's to fix: say what and where, without a stack trace.
  if (error instanceof InputError) {
    console.error(error.describe());
    process.exit(1);
  }
  // A file named that is not there, or cannot be read: said in words, without a stack trace.
  const { code, path } = (error ?? {}) as { code?: string; path?: string };
  const unreadable = FILE_PROBLEMS[code ?? ''];
  if (unreadable) {
    console.error(path ? `Cannot read ${path}: ${unreadable}.` : `Cannot read the file: ${unreadable}.`);
    process.exit(1);
  }
  if (
    error instanceof Error &&
    ['NotFoundError', 'ConflictError', 'DataFolderInUseError'].includes(error.name)
  ) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
