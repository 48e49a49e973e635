import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { needsChromium, signInAs, SITE_ADMIN, startDemoSite } from '../helpers/browser.js';
import { needsSharedData, sharedData } from '../helpers/databases.js';

let site: Awaited<ReturnType<typeof startDemoSite>>;

before(async () => {
  if (needsChromium.skip || needsSharedData.skip) return;
  site = await startDemoSite();
});
after(() => site?.close());

// Trafford's real year of payments: 210,068 rows, long enough to watch.
const TRAFFORD_YEAR = join(sharedData, 'spend-samples', 'trafford-supplier-spend-2024-25.csv');

const rowsReadOn = async (page: import('playwright-core').Page, timeout = 2_000) =>
  Number((await page.locator('[data-job-count="rowsRead"]').innerText({ timeout })).replaceAll(',', ''));

test(
  'an upload shows its progress, survives a reload, and ends on the report with the next steps',
  { ...needsChromium, ...needsSharedData },
  async () => {
    // Without JavaScript: the page reloads itself until the import ends.
    const plain = await site.browser.newPage({ javaScriptEnabled: false });
    await signInAs(plain, site.base, SITE_ADMIN);
    const live = await site.browser.newPage();
    await signInAs(live, site.base, SITE_ADMIN);
    await plain.goto(`${site.base}/bodies/E08000009`);
    await plain.getByLabel('Spend file (CSV or XLSX)').setInputFiles(TRAFFORD_YEAR);
    await plain.getByRole('button', { name: 'Import spend' }).click();
    await plain
      .getByRole('heading', { level: 1, name: 'Importing trafford-supplier-spend-2024-25.csv' })
      .waitFor();
    const jobPage = plain.url();
    assert.match(jobPage, /\/spend-import-jobs\/[0-9a-f-]{36}$/);
    assert.match(await plain.getByRole('status').innerText(), /Reading the file|Waiting/);
    // The same import, followed with JavaScript in another tab.
    await live.goto(jobPage);
    const first = await rowsReadOn(live);

    // The page reloads itself (no JavaScript), showing rows as they are read.
    let seen = 0;
    while (seen === 0) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      seen = await rowsReadOn(plain).catch(() => 0); // between two loads of the page
    }
    // A reload of one's own finds the same import, no earlier than it was.
    // (The page's own refresh may cut across it: then it is asked again.)
    await plain.goto(jobPage).catch(() => plain.goto(jobPage));
    // Read once the page, or its own refresh, has loaded (slowly while the import holds the embedded
    // database); unless the import ended meanwhile and the page moved on to its report.
    const again = await rowsReadOn(plain, 30_000).catch(() => undefined);
    if (again === undefined) assert.match(plain.url(), /\/spend-imports\/\d+/);
    else assert.ok(again >= seen);

    // With JavaScript, the figures move without the page being loaded again.
    await live.waitForFunction(
      (before) =>
        Number(document.querySelector('[data-job-count="rowsRead"]')?.textContent?.replaceAll(',', '')) >
          before || !location.pathname.startsWith('/spend-import-jobs/'),
      first,
      { timeout: 60_000 },
    );

    // Both end on the report, with a success banner and what is left to do.
    for (const page of [live, plain]) {
      await page.waitForURL(/\/spend-imports\/\d+\?done=imported$/, { timeout: 120_000 });
      const banner = page.locator('.govuk-notification-banner--success');
      assert.match(
        await banner.innerText(),
        /payments from trafford-supplier-spend-2024-25\.csv are stored for Trafford/,
      );
      assert.match(await banner.innerText(), /See where partners buy the same things/);
      assert.ok(
        (await banner.getByRole('link').count()) >= 2,
        'next steps link to the categories and suppliers left to review',
      );
      assert.match(await page.locator('main').innerText(), /Rows read\s+210,068/);
    }
    await live.close();
    await plain.close();
  },
);
