import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Presets, SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Actor } from '../domain/audit.js';
import { InputError } from '../domain/errors.js';
import { spendImportId } from '../domain/queries.js';
import { SPEND_FIELDS } from '../domain/spend.js';
import { parseInput } from '../domain/validation.js';
import { importSpendFile, undoSpendImport } from '../services/import-spend.js';
import type { Database } from '../store/db.js';
import { getSpendImport } from '../store/spend.js';
import type { Cli } from './context.js';
import { uploadSpend } from './remote.js';
import { describeSpendImport, estimateRows } from './spend-report.js';

/** `pathfinder import spend` (here or to a server) and `pathfinder spend remove`. */
export function spendCommands(cli: Cli, importCommand: Command) {
  importCommand
    .command('spend')
    .description(
      'load published spend files (payments over £500), CSV in any layout; each file is one transaction',
    )
    .argument('<files...>', 'the spend files')
    .option(
      '--body <code>',
      'the body the files belong to (read from a "Body name" column when there is one)',
    )
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
              throw new InvalidArgumentError(
                `--column takes field=heading, like paidOn="Paid Date"; got ${c}`,
              );
            return [c.slice(0, at).trim(), c.slice(at + 1).trim()];
          }),
        );
        if (options.server) return importToServer(files, { ...options, server: options.server }, columns);
        return cli.withDatabase((db) => importHere(db, cli.operator, files, options, columns));
      },
    );

  cli.program
    .command('spend')
    .description('spend imports already stored')
    .command('remove')
    .description('remove one import: its payments and their part in suppliers and reports')
    .argument('<id>', 'the import number (on its page, or in the import report)')
    .option('--yes', 'do not ask for confirmation')
    .action((id: string, options: { yes?: boolean }) =>
      cli.withDatabase(async (db) => {
        const r = await getSpendImport(db, parseInput(spendImportId, id, 'import number'));
        const what = `import ${r.id}: ${r.file} for ${r.bodyName}, ${r.accepted.toLocaleString('en-GB')} payments stored`;
        if (!options.yes && !(await confirmed(`Remove ${what}? [y/N] `))) {
          console.error('Nothing removed.');
          process.exitCode = 1;
          return;
        }
        await undoSpendImport(db, cli.operator, r.bodyCode, r.id);
        console.log(`Removed ${what}.`);
      }),
    );
}

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
    const bar = progressBar(file);
    const estimate = await estimateRows(file);
    console.error(`Sending ${file} to ${options.server}…`);
    bar.start(estimate, 0);
    try {
      const report = await uploadSpend(
        options.server,
        token,
        file,
        {
          bodyCode: options.body,
          month: options.month,
          sheet: options.sheet,
          confirmOtherBody: options.confirmBody,
          columns,
        },
        (rowsRead) => bar.setTotal(Math.max(estimate, rowsRead)) ?? bar.update(rowsRead),
      );
      bar.stop();
      console.log(describeSpendImport(report));
      if (report.failed) failed++;
    } catch (error) {
      bar.stop();
      console.error(error instanceof InputError ? error.describe() : (error as Error).message);
      failed++;
    }
  }
  if (failed) process.exitCode = 1;
}

/** A bar of rows read, for a file's import here or on a server. */
function progressBar(file: string) {
  return new SingleBar(
    { format: `${basename(file)} {bar} {value} rows`, hideCursor: true, noTTYOutput: false },
    Presets.shades_classic,
  );
}

async function importHere(
  db: Database,
  operator: Actor,
  files: string[],
  options: { body?: string; month?: string; sheet?: string; confirmBody?: boolean },
  columns: Record<string, string>,
) {
  let failed = 0;
  for (const file of files) {
    const bar = progressBar(file);
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
        {
          onProgress: ({ rowsRead }) => bar.setTotal(Math.max(estimate, rowsRead)) ?? bar.update(rowsRead),
          // The embedded database shares this thread already (see withDatabase): reading here too
          // keeps a million-row import under 400 MB, at some cost in speed. PostgreSQL's work is
          // another process's, so a reading thread there is speed at little memory.
          readOnThisThread: db.kind === 'pglite',
        },
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
