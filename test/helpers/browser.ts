import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { seedDemo } from '../../src/demo/seed.js';
import { seedDemoSpend } from '../../src/demo/spend.js';
import { buildApp } from '../../src/server/app.js';
import { openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const needsChromium =
  existsSync(CHROMIUM) || process.env.CI
    ? {}
    : { skip: `Chromium not found at ${CHROMIUM} (apt-get install chromium)` };

/** Debian's Chromium, headless, with the network chatter this machine would refuse turned off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The real server on the demo register (in-memory PGlite), on a free port, with Chromium ready. */
export async function startDemoSite(): Promise<{ base: string; browser: Browser; close(): Promise<void> }> {
  const db = await openDatabase();
  await migrate(db);
  await seedDemo(db);
  await seedDemoSpend(db);
  const app = await buildApp({ db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  return {
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    browser,
    async close() {
      await browser.close();
      await app.close();
      await db.close();
    },
  };
}

/**
 * The demo site for one test file, with a page that has JavaScript off: every form must work as plain
 * HTML. Read `site.base` and `site.page` inside tests (they are set before the first test runs).
 */
export function noScriptDemoSite(): { base: string; page: Page } {
  const site = {} as { base: string; page: Page };
  let running: Awaited<ReturnType<typeof startDemoSite>> | undefined;
  before(async () => {
    if (needsChromium.skip) return;
    running = await startDemoSite();
    site.base = running.base;
    site.page = await running.browser.newPage({ javaScriptEnabled: false });
  });
  after(() => running?.close());
  return site;
}
