import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { seedDemo } from '../../src/demo/seed.js';
import { seedDemoSpend } from '../../src/demo/spend.js';
import { type AppOptions, buildApp } from '../../src/server/app.js';
import { type Database, openDatabase } from '../../src/store/db.js';
import { makeUser, PASSWORD } from './factories.js';
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

/** The site administrator every demo site for tests has, with PASSWORD. */
export const SITE_ADMIN = 'admin@pathfinder.test';

/**
 * The real server on the demo register (in-memory PGlite), on a free port, with Chromium ready and
 * a site administrator who can sign in.
 */
export async function startDemoSite(
  options: Partial<AppOptions> = {},
): Promise<{ base: string; browser: Browser; db: Database; close(): Promise<void> }> {
  const db = await openDatabase();
  await migrate(db);
  await seedDemo(db);
  await seedDemoSpend(db);
  await makeUser(db, { email: SITE_ADMIN, role: 'administrator', siteAdmin: true });
  const app = await buildApp({ db, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  return {
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    browser,
    db,
    async close() {
      await browser.close();
      await app.close();
      await db.close();
    },
  };
}

/** Signs in through the sign-in page, as a person would. */
export async function signInAs(page: Page, base: string, email: string, password = PASSWORD) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(/Signed in as/).waitFor();
}

/**
 * The demo site for one test file, with a page that has JavaScript off (every form must work as plain
 * HTML) signed in as the site administrator. Read `site.base` and `site.page` inside tests (they are
 * set before the first test runs).
 */
export function noScriptDemoSite(): { base: string; page: Page } {
  const site = {} as { base: string; page: Page };
  let running: Awaited<ReturnType<typeof startDemoSite>> | undefined;
  before(async () => {
    if (needsChromium.skip) return;
    running = await startDemoSite();
    site.base = running.base;
    site.page = await running.browser.newPage({ javaScriptEnabled: false });
    await signInAs(site.page, site.base, SITE_ADMIN);
  });
  after(() => running?.close());
  return site;
}
