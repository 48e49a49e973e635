import { Option } from 'commander';
import { businessCaseId } from '../domain/queries.js';
import { parseInput } from '../domain/validation.js';
import { toCsv } from '../export/csv.js';
import { businessCaseReport } from '../services/business-case.js';
import { type OpportunityQuery, opportunityReport } from '../services/opportunities.js';
import { reportTables } from '../services/opportunity-tables.js';
import { refreshSpendAnalysis } from '../services/spend-analysis.js';
import { listUnmapped } from '../store/categories.js';
import { findSupplier } from '../store/suppliers.js';
import { describeBusinessCase } from './business-case-report.js';
import type { Cli } from './context.js';
import { describeOpportunities } from './opportunity-report.js';
import { describeSupplier, describeUnmapped } from './supplier-report.js';

/** `pathfinder suppliers|categories|opportunities|business-case`: what the spend and the register show. */
export function analysisCommands(cli: Cli) {
  const suppliersCommand = cli.program.command('suppliers').description('suppliers resolved across bodies');

  suppliersCommand
    .command('resolve')
    .description(
      'group every payee name into suppliers again (people’s decisions are kept) and map categories',
    )
    .action(() =>
      cli.withDatabase(async (db) => {
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
      cli.withDatabase(async (db) => console.log(describeSupplier(await findSupplier(db, name)))),
    );

  cli.program
    .command('categories')
    .description('spend categories')
    .command('unmapped')
    .description('expense types with no category yet, largest spend first')
    .option('--body <code>', 'only this body’s')
    .action((options: { body?: string }) =>
      cli.withDatabase(async (db) => console.log(describeUnmapped(await listUnmapped(db, options)))),
    );

  cli.program
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
        .choices([
          'opportunities',
          'excluded',
          'bodies',
          'categories',
          'years',
          'shared-suppliers',
          'markets',
          'overlaps',
        ])
        .default('opportunities'),
    )
    .action((options: OpportunityQuery & { format: 'table' | 'csv' | 'json'; table: string }) =>
      cli.withDatabase(async (db) => {
        const report = await opportunityReport(db, options);
        if (options.format === 'json') return void console.log(JSON.stringify(report, null, 2));
        const tables = reportTables(report);
        if (options.format === 'csv') {
          const table =
            tables.find((t) => t.name === options.table) ?? (tables[0] as (typeof tables)[number]);
          return void process.stdout.write(toCsv(table.header, table.rows));
        }
        console.log(describeOpportunities(report, tables));
      }),
    );

  cli.program
    .command('business-case')
    .description('business cases for shared services')
    .command('show')
    .description(
      'a business case: NPV, payback, each partner’s position, fixes if one is worse off, sensitivity',
    )
    .argument('<id>', 'the business case number')
    .addOption(new Option('--format <format>', 'output').choices(['text', 'json']).default('text'))
    .action((id: string, options: { format: 'text' | 'json' }) =>
      cli.withDatabase(async (db) => {
        const report = await businessCaseReport(db, parseInput(businessCaseId, id, 'business case number'));
        console.log(
          options.format === 'json' ? JSON.stringify(report, null, 2) : describeBusinessCase(report),
        );
      }),
    );
}
