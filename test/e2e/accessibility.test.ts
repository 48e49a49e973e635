import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { needsChromium, signInAs, SITE_ADMIN, startDemoSite } from '../helpers/browser.js';
import { SHARED_REVENUES_CASE } from '../helpers/factories.js';
import { issueApiToken } from '../../src/services/accounts.js';
import { findUserByEmail } from '../../src/store/users.js';
import { importSpendFile } from '../../src/services/import-spend.js';
import { listSpendImports } from '../../src/store/spend.js';
import { TESTER } from '../helpers/databases.js';

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let site: Awaited<ReturnType<typeof startDemoSite>>;
let browser: Browser;
let base: string;

before(async () => {
  if (needsChromium.skip) return;
  site = await startDemoSite();
  ({ browser, base } = site);
});

const work = mkdtempSync(join(tmpdir(), 'pathfinder-a11y-'));
after(() => {
  rmSync(work, { recursive: true, force: true });
  return site?.close();
});

const pages = [
  '/',
  '/bodies',
  '/bodies?kind=police&status=former',
  '/bodies/E08000005',
  '/bodies/new',
  '/partnerships',
  '/partnerships/agma-cooperation',
  '/partnerships/new',
  '/partnerships/tri-council/projects/new',
  '/suppliers',
  '/suppliers/review',
  '/categories',
  '/addressable',
  '/addressable?show=addressable',
  '/suppliers/1',
  '/opportunities',
  '/opportunities?partnership=tri-council',
  '/opportunities?partnership=tri-council&category=32',
  '/opportunities/evidence?partnership=tri-council&category=32',
  '/bodies/E08000009/partners',
  '/partnerships/wychavon-malvern-hills-shared-chief-executive/business-cases/new',
  '/business-cases/1',
  '/bodies/E08000009/spend-columns',
  '/no-such-page',
  '/account',
  '/users',
  '/users/new',
  '/audit',
  '/partnerships/agma-cooperation/history',
  '/partnerships/agma-cooperation/delete',
  '/partnerships/agma-cooperation/members/E08000005/remove',
  '/projects/1/delete',
  '/bodies/E06000012/delete',
  '/news',
  '/news/1',
  '/news/new',
  '/editions',
  '/editions/1',
  '/editions/new',
];
/** Pages as someone who has not signed in sees them. */
const publicPages = [
  '/sign-in',
  '/forgot-password',
  '/reset-password/not-a-real-link',
  '/partnerships/new',
  '/subscribe',
  '/editions/2',
];

test(
  'every page passes the axe-core WCAG 2.2 AA checks, and so does a form showing its errors',
  needsChromium,
  async () => {
    // axe is added as an inline script, which the site's Content Security Policy rightly refuses.
    const page = await browser.newPage({ bypassCSP: true });
    const violationsOf = async () => {
      await page.addScriptTag({ path: axeSource });
      return page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run: (o: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
          }
        ).axe;
        const result = await axe.run({
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
        });
        return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
      });
    };
    // The checker itself finds a missing text alternative, so a pass below means something.
    await page.setContent('<html lang="en"><title>t</title><main><img src="chart.png"></main></html>');
    assert.ok((await violationsOf()).some((v) => v.startsWith('image-alt')));
    // A business case to show, made through the API as a partnership's script would.
    const admin = await findUserByEmail(site.db, SITE_ADMIN);
    const made = await fetch(`${base}/api/v1/business-cases`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await issueApiToken(site.db, admin!, 'accessibility test', ['write'])}`,
      },
      body: JSON.stringify(SHARED_REVENUES_CASE),
    });
    assert.equal(made.status, 201);
    // An import to remove, and a failed one, for the spend pages that show them.
    const [demoImport] = await listSpendImports(site.db, 'E08000009');
    const undated = join(work, 'undated.csv');
    writeFileSync(undated, 'Paid Date,Supplier,Amount\n00:00:00,Acme Ltd,100.00\n');
    const failed = await importSpendFile(site.db, TESTER, undated, { bodyCode: 'E08000009' });
    const spendPages = [
      `/spend-imports/${demoImport?.id}`,
      `/bodies/E08000009/spend-imports/${demoImport?.id}/remove`,
      `/spend-imports/${failed.id}`,
    ];
    for (const path of publicPages) {
      await page.goto(base + path);
      assert.deepEqual(await violationsOf(), [], `${path}, not signed in`);
    }
    await signInAs(page, base, SITE_ADMIN);
    for (const path of [...pages, ...spendPages]) {
      await page.goto(base + path);
      assert.deepEqual(await violationsOf(), [], path);
    }
    await page.goto(`${base}/partnerships/new`);
    await page.getByRole('button', { name: 'Save partnership' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    assert.deepEqual(await violationsOf(), [], 'the partnership form with errors');
    await page.close();
  },
);
