import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { makeUser } from '../helpers/factories.js';
import { needsChromium, signInAs, startDemoSite } from '../helpers/browser.js';

const P = '/partnerships/wychavon-malvern-hills-shared-chief-executive';
let site: Awaited<ReturnType<typeof startDemoSite>>;
let page: Page;

before(async () => {
  if (needsChromium.skip) return;
  site = await startDemoSite();
  await makeUser(site.db, { email: 'editor@wychavon.test', bodyCode: 'E07000238', role: 'editor' });
  await makeUser(site.db, { email: 'viewer@trafford.test', bodyCode: 'E08000009', role: 'viewer' });
  page = await site.browser.newPage({ javaScriptEnabled: false });
});
after(() => site?.close());

test(
  'a member signs in, adds a note only members see, and signs out; an outsider never sees it',
  needsChromium,
  async () => {
    await page.goto(site.base + P);
    assert.equal(await page.getByRole('heading', { name: 'Notes' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Delete this partnership' }).count(), 0);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email address').fill('editor@wychavon.test');
    await page.getByLabel('Password', { exact: true }).fill('not my password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter a correct email address and password').first().waitFor();

    await signInAs(page, site.base, 'editor@wychavon.test');
    await page.goto(site.base + P);
    await page.getByLabel('Add a note').fill('Draft terms for the joint chief executive are with legal.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Your note has been added').waitFor();
    assert.equal(
      await page.locator('.pf-note', { hasText: 'Draft terms for the joint chief executive' }).count(),
      1,
    );
    assert.match(await page.locator('.pf-history').innerText(), /Added note/);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out').waitFor();
    await page.goto(site.base + P);
    assert.equal(await page.getByText(/Draft terms for the joint chief executive/).count(), 0);

    await signInAs(page, site.base, 'viewer@trafford.test');
    await page.goto(site.base + P);
    assert.equal(await page.getByText(/Draft terms for the joint chief executive/).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Notes' }).count(), 0);
  },
);
