#!/usr/bin/env -S node --max-old-space-size=256 --max-semi-space-size=16
// The heap limit keeps a long import's memory flat: without it V8 lets garbage grow the heap to
// gigabytes before collecting (5 million rows peaked at 450 MB; with it, 330 MB, at the same speed).
// A larger young generation means fewer collections of the batch in hand: a million-row import took
// 10% less time (bench/import) for 30 MB more memory.
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { basename } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { seedDemo } from '../demo/seed.js';
import { seedDemoSpend } from '../demo/spend.js';
import { InputError } from '../domain/errors.js';
import { SPEND_FIELDS } from '../domain/spend.js';
import { registerDocument } from '../domain/register.js';
import { parseInput } from '../domain/validation.js';
import { registerCsv } from '../export/register.js';
import { readBodyRegister } from '../ingest/body-register.js';
import { buildApp } from '../server/app.js';
import { importSpendFile, undoSpendImport } from '../services/import-spend.js';
import { sweepTempFolders } from '../ingest/temp-folders.js';
import { getSpendImport } from '../store/spend.js';
import { refreshSpendAnalysis } from '../services/spend-analysis.js';
import { businessCaseReport } from '../services/business-case.js';
import { businessCaseId, spendImportId } from '../domain/queries.js';
import { type OpportunityQuery, opportunityReport, reportTables } from '../services/opportunities.js';
import { toCsv } from '../export/csv.js';
import { listUnmapped } from '../store/categories.js';
import { findSupplier } from '../store/suppliers.js';
import { importBodies } from '../store/bodies.js';
import { type Database, openDatabase } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { exportRegister } from '../store/register.js';
import { importRegisterRecord } from '../services/records.js';
import { FULL_ACCESS } from '../domain/access.js';
import type { Actor } from '../domain/audit.js';
import { describeSpendImport, estimateRows } from './spend-report.js';
import { describeSupplier, describeUnmapped } from './supplier-report.js';
import { describeOpportunities } from './opportunity-report.js';
import { describeBusinessCase } from './business-case-report.js';
import { baseUrl, ensureFirstAdministrator, usersCommands } from './users.js';
import { uploadSpend } from './remote.js';
import { openMailer } from '../services/mail.js';
import { startSendingQueue } from '../services/newsletter.js';

/** Changes made from the command line are the server operator's, named by their login. */
const operator: Actor = { name: `command line (${userInfo().username})` };

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

/** Opens the store named by the global options, brought up to date, and closes it afterwards. */
async function withDatabase<T>(work: (db: Database, migrationsApplied: number[]) => Promise<T>): Promise<T> {
  const { dataDir, databaseUrl } = program.opts<{ dataDir: string; databaseUrl?: string }>();
  const db = await openDatabase({ url: databaseUrl, dataDir, purpose });
  try {
    return await work(db, await migrate(db));
  } finally {
    await db.close();
  }
}

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('A port is a number from 0 to 65535.');
  return n;
};

program
  .command('serve')
  .description('run the web app and the API')
  .addOption(new Option('-p, --port <port>', 'port to listen on').env('PORT').default(3000).argParser(port))
  .addOption(new Option('--host <host>', 'address to listen on').env('HOST').default('127.0.0.1'))
  .option('--no-demo', 'do not load the demo register and synthetic spend into an empty database')
  .action(async (options: { port: number; host: string; demo: boolean }) => {
    const { dataDir, databaseUrl } = program.opts<{ dataDir: string; databaseUrl?: string }>();
    const db = await openDatabase({ url: databaseUrl, dataDir, purpose });
    await migrate(db);
    if (options.demo && (await seedDemo(db))) {
      console.log('Loaded the demo register into the empty database; generating synthetic demo spend…');
      const payments = await seedDemoSpend(db);
      console.log(
        `Loaded ${payments.toLocaleString('en-GB')} synthetic demo payments (labelled as such on every page).`,
      );
    }
    await ensureFirstAdministrator(db, operator);
    const mail = {
      baseUrl: baseUrl(),
      mailer: openMailer({
        smtpUrl: process.env.PATHFINDER_SMTP_URL,
        from: process.env.PATHFINDER_MAIL_FROM ?? 'Pathfinder <pathfinder@localhost>',
      }),
    };
    const app = await buildApp({ db, logger: true, mail, trustProxy: process.env.TRUST_PROXY === 'true' });
    // Published editions go out from here, a few at a time, surviving restarts (see services/newsletter.ts).
    const stopSending = await startSendingQueue(db, mail, 30_000);
    const close = async () => {
      await stopSending();
      await app.close();
      await db.close();
      process.exit(0);
    };
    process.once('SIGINT', close);
    process.once('SIGTERM', close);
    const address = await app.listen({ port: options.port, host: options.host });
    db.announce(address);
    const store = db.kind === 'pglite' ? `the embedded database in ${dataDir}` : 'PostgreSQL';
    console.log(`Pathfinder is running at ${address} on ${store}`);
  });

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

importCommand
  .command('spend')
  .description(
    'load published spend files (payments over £500), CSV in any layout; each file is one transaction',
  )
  .argument('<files...>', 'the spend files')
  .option('--body <code>', 'the body the files belong to (read from a "Body name" column when there is one)')
  .option('--month <yyyy-mm>', 'the month of payments whose dates the file lost (e.g. "00:00:00")')
  .option('--sheet <name>', 'for XLSX: the worksheet to read (default: the first with rows)')
  .option(
    '--confirm-body',
    'store a file with no body column even though the same file is held for another body',
  )
  .option(
    '--column <field=heading...>',
    `choose a column by its heading, saved for the body; fields: ${Object.keys(SPEND_FIELDS).join(', ')}`,
  )
  .addOption(
    new Option(
      '--server <url>',
      'send the files to a Pathfinder server instead, with the API token in PATHFINDER_TOKEN',
    ).env('PATHFINDER_SERVER'),
  )
  .action(
    async (
      files: string[],
      options: {
        body?: string;
        month?: string;
        sheet?: string;
        confirmBody?: boolean;
        column?: string[];
        server?: string;
      },
    ) => {
      const columns = Object.fromEntries(
        (options.column ?? []).map((c) => {
          const at = c.indexOf('=');
          if (at < 1)
            throw new InvalidArgumentError(`--column takes field=heading, like paidOn="Paid Date"; got ${c}`);
          return [c.slice(0, at).trim(), c.slice(at + 1).trim()];
        }),
      );
      if (options.server) return importToServer(files, { ...options, server: options.server }, columns);
      return withDatabase((db) => importHere(db, files, options, columns));
    },
  );

/** Sends each file to a server's API; a refused file is reported and the rest still go. */
async function importToServer(
  files: string[],
  options: { body?: string; month?: string; sheet?: string; confirmBody?: boolean; server: string },
  columns: Record<string, string>,
) {
  const token = process.env.PATHFINDER_TOKEN;
  if (!token)
    throw new InvalidArgumentError(
      'Set PATHFINDER_TOKEN to an API token from your account page on the server.',
    );
  if (!options.body) throw new InvalidArgumentError('Say which body the files are for with --body CODE.');
  let failed = 0;
  for (const file of files) {
    console.error(`Sending ${file} to ${options.server}…`);
    try {
      const report = await uploadSpend(options.server, token, file, {
        bodyCode: options.body,
        month: options.month,
        sheet: options.sheet,
        confirmOtherBody: options.confirmBody,
        columns,
      });
      console.log(describeSpendImport(report));
      if (report.failed) failed++;
    } catch (error) {
      console.error(error instanceof InputError ? error.describe() : (error as Error).message);
      failed++;
    }
  }
  if (failed) process.exitCode = 1;
}

async function importHere(
  db: Database,
  files: string[],
  options: { body?: string; month?: string; sheet?: string; confirmBody?: boolean },
  columns: Record<string, string>,
) {
  let failed = 0;
  for (const file of files) {
    const bar = new SingleBar(
      { format: `${basename(file)} {bar} {value} rows`, hideCursor: true, noTTYOutput: false },
      Presets.shades_classic,
    );
    const estimate = await estimateRows(file);
    // Said before the bar, so that logs without a terminal show which file was under way.
    console.error(`Importing ${file}…`);
    bar.start(estimate, 0);
    try {
      const report = await importSpendFile(
        db,
        operator,
        file,
        {
          bodyCode: options.body,
          undatedMonth: options.month,
          sheet: options.sheet,
          confirmOtherBody: options.confirmBody ?? false,
          columns,
        },
        (rows) => bar.setTotal(Math.max(estimate, rows)) ?? bar.update(rows),
      );
      bar.stop();
      console.log(describeSpendImport(report));
      if (report.failed) failed++;
    } catch (error) {
      bar.stop();
      if (!(error instanceof InputError)) throw error;
      console.error(error.describe());
      failed++;
    }
  }
  if (failed) process.exitCode = 1;
}

program
  .command('spend')
  .description('spend imports already stored')
  .command('remove')
  .description('remove one import: its payments and their part in suppliers and reports')
  .argument('<id>', 'the import number (on its page, or in the import report)')
  .option('--yes', 'do not ask for confirmation')
  .action((id: string, options: { yes?: boolean }) =>
    withDatabase(async (db) => {
      const r = await getSpendImport(db, parseInput(spendImportId, id, 'import number'));
      const what = `import ${r.id}: ${r.file} for ${r.bodyName}, ${r.accepted.toLocaleString('en-GB')} payments stored`;
      if (!options.yes && !(await confirmed(`Remove ${what}? [y/N] `))) {
        console.error('Nothing removed.');
        process.exitCode = 1;
        return;
      }
      await undoSpendImport(db, operator, r.bodyCode, r.id);
      console.log(`Removed ${what}.`);
    }),
  );

/** Asks a yes-or-no question at the terminal; without one (a script, CI) the answer is no. */
async function confirmed(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    console.error('No terminal to confirm at: add --yes to go ahead.');
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

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

const suppliersCommand = program.command('suppliers').description('suppliers resolved across bodies');

suppliersCommand
  .command('resolve')
  .description('group every payee name into suppliers again (people’s decisions are kept) and map categories')
  .action(() =>
    withDatabase(async (db) => {
      const r = await refreshSpendAnalysis(db);
      console.log(
        `${r.payees.toLocaleString('en-GB')} payee names grouped into ${r.suppliers.toLocaleString('en-GB')} suppliers ` +
          `in ${r.seconds.toFixed(1)} s; ${r.review.toLocaleString('en-GB')} pairs to review; ` +
          `${r.categoriesMapped.toLocaleString('en-GB')} expense types newly mapped.`,
      );
    }),
  );

suppliersCommand
  .command('show')
  .description('a supplier: its names, the bodies paying it and spend by year')
  .argument('<name>', 'a name it is paid under, or part of one')
  .action((name: string) =>
    withDatabase(async (db) => console.log(describeSupplier(await findSupplier(db, name)))),
  );

program
  .command('categories')
  .description('spend categories')
  .command('unmapped')
  .description('expense types with no category yet, largest spend first')
  .option('--body <code>', 'only this body’s')
  .action((options: { body?: string }) =>
    withDatabase(async (db) => console.log(describeUnmapped(await listUnmapped(db, options)))),
  );

program
  .command('opportunities')
  .description(
    'where bodies could buy or work together: combined spend, shared suppliers, fragmented categories, savings',
  )
  .option('--bodies <codes>', 'body codes separated by commas')
  .option('--partnership <slug>', 'a partnership’s members')
  .option('--from <yyyy-mm>', 'first month (default: the earliest held)')
  .option('--to <yyyy-mm>', 'last month (default: the latest held)')
  .option('--assume <type=low-high...>', 'savings assumptions in percent, e.g. category=2-6 service=8-15')
  .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'))
  .addOption(
    new Option('--table <name>', 'for CSV: which table')
      .choices(['opportunities', 'bodies', 'categories', 'years', 'shared-suppliers', 'markets', 'overlaps'])
      .default('opportunities'),
  )
  .action((options: OpportunityQuery & { format: 'table' | 'csv' | 'json'; table: string }) =>
    withDatabase(async (db) => {
      const report = await opportunityReport(db, options);
      if (options.format === 'json') return void console.log(JSON.stringify(report, null, 2));
      const tables = reportTables(report);
      if (options.format === 'csv') {
        const table = tables.find((t) => t.name === options.table) ?? (tables[0] as (typeof tables)[number]);
        return void process.stdout.write(toCsv(table.header, table.rows));
      }
      console.log(describeOpportunities(report, tables));
    }),
  );

program
  .command('business-case')
  .description('business cases for shared services')
  .command('show')
  .description(
    'a business case: NPV, payback, each partner’s position, fixes if one is worse off, sensitivity',
  )
  .argument('<id>', 'the business case number')
  .addOption(new Option('--format <format>', 'output').choices(['text', 'json']).default('text'))
  .action((id: string, options: { format: 'text' | 'json' }) =>
    withDatabase(async (db) => {
      const report = await businessCaseReport(db, parseInput(businessCaseId, id, 'business case number'));
      console.log(options.format === 'json' ? JSON.stringify(report, null, 2) : describeBusinessCase(report));
    }),
  );

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

usersCommands(program, withDatabase, operator);

try {
  await program.parseAsync();
} catch (error) {
  // A problem with the input is the user's to fix: say what and where, without a stack trace.
  if (error instanceof InputError) {
    console.error(error.describe());
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
