import { InvalidArgumentError, Option } from 'commander';
import { seedDemo } from '../demo/seed.js';
import { seedDemoSpend } from '../demo/spend.js';
import { buildApp } from '../server/app.js';
import { openMailer } from '../services/mail.js';
import { startSendingQueue } from '../services/newsletter.js';
import { hasUndecidedSpend } from '../store/exclusions.js';
import { migrate } from '../store/migrate.js';
import { refreshSpendAnalysis } from '../services/spend-analysis.js';
import { refreshPlannerStatistics } from '../store/statistics.js';
import type { Cli } from './context.js';
import { baseUrl, ensureFirstAdministrator } from './users.js';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('A port is a number from 0 to 65535.');
  return n;
};

/** `pathfinder serve`: the web app and the API, with the demo loaded into an empty database. */
export function serveCommand(cli: Cli) {
  cli.program
    .command('serve')
    .description('run the web app and the API')
    .addOption(new Option('-p, --port <port>', 'port to listen on').env('PORT').default(3000).argParser(port))
    .addOption(new Option('--host <host>', 'address to listen on').env('HOST').default('127.0.0.1'))
    .option('--no-demo', 'do not load the demo register and synthetic spend into an empty database')
    .action(async (options: { port: number; host: string; demo: boolean }) => {
      const { db, dataDir } = await cli.openStore();
      await migrate(db);
      // After an upgrade, spend held before addressable spend was decided is decided once, here.
      if (await hasUndecidedSpend(db)) await refreshSpendAnalysis(db);
      if (options.demo && (await seedDemo(db))) {
        console.log('Loaded the demo register into the empty database; generating synthetic demo spend…');
        const payments = await seedDemoSpend(db);
        console.log(
          `Loaded ${payments.toLocaleString('en-GB')} synthetic demo payments (labelled as such on every page).`,
        );
      }
      // The embedded database keeps no planner statistics of its own (see refreshPlannerStatistics).
      await refreshPlannerStatistics(db);
      await ensureFirstAdministrator(db, cli.operator);
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
}
