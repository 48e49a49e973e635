import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { needsChromium, signInAs, SITE_ADMIN, startDemoSite } from '../helpers/browser.js';
import { PASSWORD } from '../helpers/factories.js';
import { getPartnership } from '../../src/store/partnerships.js';
import { listSpendImports } from '../../src/store/spend.js';
import { FULL_ACCESS } from '../../src/domain/access.js';

let site: Awaited<ReturnType<typeof startDemoSite>>;
let page: Page;

before(async () => {
  if (needsChromium.skip) return;
  site = await startDemoSite();
  // Every destructive action must work as plain HTML.
  page = await site.browser.newPage({ javaScriptEnabled: false });
});
after(() => site?.close());

/**
 * Follows a destructive link, checks the page that asks says what will go, cancels (nothing changes),
 * follows it again and confirms.
 */
async function confirmAfterCancelling(
  from: string,
  link: { name: string | RegExp },
  expected: { heading: RegExp; says: RegExp; button: string },
) {
  for (const confirm of [false, true]) {
    await page.goto(site.base + from);
    await page.getByRole('link', link).first().click();
    await page.getByRole('heading', { level: 1, name: expected.heading }).waitFor();
    assert.match(await page.locator('main').innerText(), expected.says);
    assert.match(await page.locator('.govuk-warning-text').innerText(), /kept in the history of changes/);
    if (confirm) await page.getByRole('button', { name: expected.button }).click();
    else await page.getByRole('link', { name: 'Cancel' }).click();
    await page.waitForLoadState();
  }
}

test(
  'every destructive action asks on a page of its own, cancels cleanly and is kept in the history',
  needsChromium,
  async () => {
    await signInAs(page, site.base, SITE_ADMIN);
    const agma = '/partnerships/agma-cooperation';
    const before = await getPartnership(site.db, 'agma-cooperation', FULL_ACCESS);

    // A body partnerships use cannot go: its page says so and offers no button that would fail.
    await page.goto(`${site.base}/bodies/E08000001/delete`);
    assert.match(await page.locator('main').innerText(), /cannot be deleted: remove it from them first/);
    assert.equal(await page.getByRole('button', { name: 'Delete this body' }).count(), 0);

    // A member's Remove is a link to a question, not a button that acts.
    await confirmAfterCancelling(
      agma,
      { name: 'Remove Bolton Metropolitan Borough Council' },
      {
        heading: /Remove Bolton Metropolitan Borough Council from .*\?/,
        says: /stops being a member/,
        button: 'Remove this member',
      },
    );
    await page.getByText('The member has been removed').waitFor();
    const after = await getPartnership(site.db, 'agma-cooperation', FULL_ACCESS);
    assert.equal(after.members.length, before.members.length - 1);
    assert.ok(!after.members.some((m) => m.bodyName.startsWith('Bolton')));

    const project = before.projects[0]!;
    await confirmAfterCancelling(
      `/projects/${project.id}/edit`,
      { name: 'Delete this project' },
      {
        heading: new RegExp(`Delete the project ${project.name}`),
        says: /savings claims/,
        button: 'Delete this project',
      },
    );
    assert.equal(
      (await getPartnership(site.db, 'agma-cooperation', FULL_ACCESS)).projects.length,
      before.projects.length - 1,
    );

    await confirmAfterCancelling(
      agma,
      { name: 'Delete this partnership' },
      {
        heading: /Delete the partnership .*\?/,
        says: /Salford City Council/,
        button: 'Delete this partnership',
      },
    );
    await page.getByRole('heading', { level: 1, name: 'Partnerships' }).waitFor();
    assert.equal((await page.goto(site.base + agma))?.status(), 404);

    // A spend import: its payments go, with their part in the reports.
    const [trafford] = await listSpendImports(site.db, 'E08000009');
    await confirmAfterCancelling(
      `/spend-imports/${trafford!.id}`,
      { name: 'Remove this import' },
      {
        heading: new RegExp(
          `Remove the import of ${trafford!.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\?`,
        ),
        says: new RegExp(`Payments it stored\\s+${trafford!.accepted.toLocaleString('en-GB')}`),
        button: 'Remove this import',
      },
    );
    await page.getByText('The import has been removed').waitFor();
    assert.equal((await listSpendImports(site.db, 'E08000009')).length, 0);

    // A body no partnership uses.
    await confirmAfterCancelling(
      '/bodies/E06000012',
      { name: 'Delete this body' },
      {
        heading: /Delete North East Lincolnshire Council\?/,
        says: /0 files, 0 payments/,
        button: 'Delete this body',
      },
    );
    assert.equal((await page.goto(`${site.base}/bodies/E06000012`))?.status(), 404);

    await page.goto(`${site.base}/account`);
    await page.getByLabel('Token name').fill('Monthly spend upload');
    await page.getByLabel('Change records you may edit').check();
    await page.getByRole('button', { name: 'Make a token' }).click();
    await page.getByText('Monthly spend upload').first().waitFor();
    await confirmAfterCancelling(
      '/account',
      { name: 'Revoke Monthly spend upload' },
      {
        heading: /Revoke the token Monthly spend upload\?/,
        says: /are refused from now on/,
        button: 'Revoke this token',
      },
    );
    assert.match(await page.locator('main').innerText(), /Revoked/);

    // The history keeps each of them.
    await page.goto(`${site.base}/audit`);
    const history = await page.locator('main').innerText();
    for (const seen of [
      /Members: Bolton Metropolitan Borough Council → \(none\)/,
      new RegExp(`Deleted project ${project.name}`),
      /Deleted body North East Lincolnshire Council/,
      /Deleted partnership AGMA/,
      /Deleted spend import Synthetic demo spend/,
      /Revoked/,
    ]) {
      assert.match(history, seen);
    }
  },
);

test('a signed-out person is told to sign in, with a link that brings them back', needsChromium, async () => {
  const anonymous = await site.browser.newPage({ javaScriptEnabled: false });
  for (const path of ['/account', '/users', '/partnerships/tri-council/business-cases/new']) {
    const response = await anonymous.goto(site.base + path);
    assert.equal(response?.status(), 403, path);
    await anonymous.getByRole('heading', { level: 1, name: 'You need to sign in' }).waitFor();
    await anonymous.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
    await anonymous.getByLabel('Email address').fill(SITE_ADMIN);
    await anonymous.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await anonymous.getByRole('button', { name: 'Sign in' }).click();
    await anonymous.getByText(/Signed in as/).waitFor();
    assert.equal(new URL(anonymous.url()).pathname, path, `back at ${path}`);
    await anonymous.getByRole('button', { name: 'Sign out' }).click();
    await anonymous.getByText('You have signed out').waitFor();
  }
  // The header's link returns to the page too.
  await anonymous.goto(`${site.base}/bodies/E08000009`);
  await anonymous.getByRole('banner').getByRole('link', { name: 'Sign in' }).click();
  await anonymous.getByLabel('Email address').fill(SITE_ADMIN);
  await anonymous.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await anonymous.getByRole('button', { name: 'Sign in' }).click();
  await anonymous.getByText(/Signed in as/).waitFor();
  assert.equal(new URL(anonymous.url()).pathname, '/bodies/E08000009');
  await anonymous.close();
});
