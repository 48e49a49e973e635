import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { type Database, openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { launchChromium, needsChromium } from '../helpers/browser.js';

let db: Database;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;

before(async () => {
  if (needsChromium.skip) return;
  db = await openDatabase();
  await migrate(db);
  await seedDemo(db);
  app = await buildApp({ db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  // No JavaScript: every form must work as plain HTML.
  page = await browser.newPage({ javaScriptEnabled: false });
});

after(async () => {
  await browser?.close();
  await app?.close();
  await db?.close();
});

test(
  'an officer creates a partnership through the forms, adds members and a project, and finds it listed',
  needsChromium,
  async () => {
    await page.goto(`${base}/partnerships`);
    await page.getByRole('link', { name: 'Add a partnership' }).click();

    // Sent empty: the GOV.UK error summary names each field and links to it.
    await page.getByRole('button', { name: 'Save partnership' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    assert.match(await page.title(), /^Error: /);
    assert.deepEqual(await summary.getByRole('link').allTextContents(), [
      'Enter the partnership’s name',
      'Choose where the partnership sits on the collaboration spectrum',
    ]);
    assert.equal(await summary.getByRole('link').first().getAttribute('href'), '#name');

    await page.getByLabel('Name', { exact: true }).fill('Wigan and Bolton joint legal service');
    await page.getByLabel('Shared service', { exact: true }).check();
    await page.getByLabel('Start date (optional)').fill('2026-04-01');
    await page.getByLabel('Legal', { exact: true }).check();
    await page.getByRole('button', { name: 'Save partnership' }).click();

    await page.getByRole('heading', { level: 1, name: 'Wigan and Bolton joint legal service' }).waitFor();
    assert.match(
      await page.locator('.govuk-notification-banner').innerText(),
      /The partnership has been saved/,
    );

    for (const [body, role] of [
      ['Wigan Metropolitan Borough Council', 'Lead'],
      ['Bolton Metropolitan Borough Council', 'Member'],
    ]) {
      await page.getByLabel('Body', { exact: true }).selectOption({ label: body as string });
      await page.getByLabel('Role').selectOption({ label: role as string });
      await page.getByRole('button', { name: 'Add member' }).click();
    }
    const members = page.getByRole('table', { name: /Members of/ });
    assert.deepEqual(await members.locator('tbody tr td:first-child').allTextContents(), [
      'Wigan Metropolitan Borough Council',
      'Bolton Metropolitan Borough Council',
    ]);

    await page.getByRole('link', { name: 'Add a project' }).click();
    await page.getByLabel('Project name').fill('Shared legal case management system');
    await page.getByLabel('Service').selectOption({ label: 'Legal' });
    await page
      .getByLabel('Lead body (optional)')
      .selectOption({ label: 'Wigan Metropolitan Borough Council' });
    await page.getByLabel('Business case').check();
    await page.getByRole('button', { name: 'Save project' }).click();
    const projects = page.getByRole('table', { name: /Projects of/ });
    assert.match(
      await projects.innerText(),
      /Shared legal case management system[\s\S]*Legal[\s\S]*Wigan[\s\S]*Business case/,
    );

    // Listed, and found by the filters a procurement lead would use.
    await page.goto(`${base}/partnerships`);
    await page.getByLabel('Service').selectOption({ label: 'Legal' });
    await page.getByLabel('Member').selectOption({ label: 'Bolton Metropolitan Borough Council' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.locator('table tbody tr th a');
    assert.deepEqual((await rows.allTextContents()).sort(), [
      'AGMA co-operation on shared services',
      'Wigan and Bolton joint legal service',
    ]);

    // And on the lead body's own page.
    await page.goto(`${base}/bodies/E08000010`);
    assert.match(
      await page.locator('main').innerText(),
      /Wigan and Bolton joint legal service[\s\S]*Shared legal case management system\s+Lead/,
    );
  },
);

test(
  'a body can be edited through its form, with a clear error for a mistyped code',
  needsChromium,
  async () => {
    await page.goto(`${base}/bodies/E07000238/edit`);
    await page.getByLabel('Parent body code (optional)').fill('NOPE');
    await page.getByLabel('Population (optional)').fill('131,100');
    await page.getByRole('button', { name: 'Save body' }).click();
    assert.deepEqual(await page.locator('.govuk-error-summary a').allTextContents(), [
      'No body has the code NOPE',
    ]);
    assert.equal(
      await page.getByLabel('Population (optional)').inputValue(),
      '131,100',
      'what was typed is kept',
    );
    await page.getByLabel('Parent body code (optional)').fill('E10000034');
    await page.getByRole('button', { name: 'Save body' }).click();
    await page.getByRole('heading', { level: 1, name: 'Wychavon District Council' }).waitFor();
    assert.match(await page.locator('main').innerText(), /Population\s+131,100/);
  },
);
