import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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
  '/benefits/1',
  '/partnerships/tri-council/benefits/new',
  '/benefits/2',
  '/benefits/2/true-up?year=1&population-E07000238=132000&running=%C2%A31%2C750%2C000',
  '/partnerships/wychavon-malvern-hills-shared-chief-executive/benefits/new?businessCase=1',
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

/** Every collapsed section opened, so that what it holds is measured too. */
const openEverySection = (page: Page) =>
  page.evaluate(() => {
    for (const details of document.querySelectorAll('details')) details.open = true;
  });

/**
 * What stands in a reader's way on this page at its width: sideways scrolling (WCAG 1.4.10), chart
 * words or figures drawn under 12 px (text in an SVG shrinks with it), and bars squeezed to nothing.
 */
const reflowProblems = (page: Page) =>
  page.evaluate(() => {
    const problems: string[] = [];
    const { scrollWidth, clientWidth } = document.documentElement;
    if (scrollWidth > clientWidth)
      problems.push(`scrolls sideways: ${scrollWidth} px on a ${clientWidth} px screen`);
    const texts = [...document.querySelectorAll<Element>('.pf-chart *, svg text')].filter((el) =>
      [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim()),
    );
    for (const el of texts) {
      const scale = el instanceof SVGGraphicsElement ? (el.getScreenCTM()?.a ?? 1) : 1;
      const size = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (size < 12 && el.getClientRects().length)
        problems.push(`chart text "${el.textContent?.trim().slice(0, 30)}" is ${size.toFixed(1)} px`);
    }
    // A bar squeezed to nothing says nothing, however narrow the screen.
    for (const bar of document.querySelectorAll('.pf-bars__bar'))
      if (bar.getClientRects().length && bar.getBoundingClientRect().width < 24)
        problems.push(`a chart's bar is ${bar.getBoundingClientRect().width.toFixed(0)} px wide`);
    return problems;
  });

test(
  'every page passes the axe-core WCAG 2.2 AA checks at 1280 and 375 px, reflows at 320 px, and its charts read at 12 px or more',
  needsChromium,
  async () => {
    // axe is added as an inline script, which the site's Content Security Policy rightly refuses.
    const page = await browser.newPage({ bypassCSP: true });
    const violationsOf = async () => {
      await page.addScriptTag({ path: axeSource });
      return page.evaluate(async () => {
        type Node = { html: string; any: { data: unknown }[] };
        const axe = (
          window as unknown as {
            axe: { run: (o: object) => Promise<{ violations: { id: string; nodes: Node[] }[] }> };
          }
        ).axe;
        const result = await axe.run({
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
        });
        // GOV.UK Frontend marks a radio that reveals more questions aria-expanded, against the letter of
        // ARIA but read out by screen readers, a choice its team made on testing with users
        // (alphagov/govuk-frontend#979). That one attribute on those radios is let pass; nothing else is.
        return result.violations
          .map((v) => ({
            ...v,
            nodes: v.nodes.filter(
              (n) =>
                !(
                  v.id === 'aria-allowed-attr' &&
                  /^<input class="govuk-radios__input"[^>]* aria-controls="conditional-/.test(n.html) &&
                  n.any.every((check) =>
                    /^\["aria-expanded=\\"(true|false)\\""\]$/.test(JSON.stringify(check.data)),
                  )
                ),
            ),
          }))
          .filter((v) => v.nodes.length)
          .map((v) => `${v.id} (${v.nodes.length})`);
      });
    };
    // The checkers themselves find a missing text alternative and a page too wide, so a pass below means something.
    await page.setContent('<html lang="en"><title>t</title><main><img src="chart.png"></main></html>');
    assert.ok((await violationsOf()).some((v) => v.startsWith('image-alt')));
    await page.setContent(
      '<html lang="en"><title>t</title><main><input class="govuk-radios__input" type="radio" aria-label="x" aria-controls="x" aria-pressed="true"></main></html>',
    );
    assert.ok((await violationsOf()).some((v) => v.startsWith('aria-allowed-attr')));
    await page.setContent(
      '<html lang="en"><title>t</title><main><figure class="pf-chart"><svg viewBox="0 0 1000 10" width="200"><text y="9">tiny</text></svg></figure><div style="width:2000px">wide</div></main></html>',
    );
    assert.equal((await reflowProblems(page)).length, 2);
    // A business case to show, made through the API as a partnership's script would.
    const admin = await findUserByEmail(site.db, SITE_ADMIN);
    const made = await fetch(`${base}/api/v1/business-cases`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await issueApiToken(site.db, admin!, 'accessibility test', ['write'])}`,
      },
      // Activity that changes by year, so the page shows its table of shares by year too.
      body: JSON.stringify({
        ...SHARED_REVENUES_CASE,
        partners: SHARED_REVENUES_CASE.partners.map((p, i) => ({ ...p, drivers: i ? [100] : [100, 130] })),
        running: { method: 'driver' },
        oneOffs: [{ year: 0, kind: 'pension-strain', amountPence: 20_000_000 }],
      }),
    });
    assert.equal(made.status, 201);
    // Its benefits plan (number 2: the demo's is 1), for the plan's page with a true-up.
    const plan = await fetch(
      `${base}/api/v1/partnerships/wychavon-malvern-hills-shared-chief-executive/benefits`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await issueApiToken(site.db, admin!, 'accessibility plan', ['write'])}`,
        },
        body: JSON.stringify({
          name: 'Shared revenues and benefits',
          businessCaseId: 1,
          goLive: '2023-04',
          baselineFrom: '2022-04',
          baselineTo: '2023-03',
          measures: [{ kind: 'category', value: '27' }],
          partners: SHARED_REVENUES_CASE.partners.map((p) => ({
            bodyCode: p.bodyCode,
            plannedPence: [15_000_000, 30_000_000],
          })),
        }),
      },
    );
    assert.equal(plan.status, 201, await plan.text());
    // An import to remove, and a failed one, for the spend pages that show them.
    const [demoImport] = await listSpendImports(site.db, 'E08000009');
    const undated = join(work, 'undated.csv');
    writeFileSync(undated, 'Paid Date,Supplier,Amount\n00:00:00,Acme Ltd,100.00\n');
    const failed = await importSpendFile(site.db, TESTER, undated, { bodyCode: 'E08000009' });
    const spendPages = [
      `/spend-imports/${demoImport?.id}`,
      `/spend-imports/${demoImport?.id}?done=imported`,
      `/bodies/E08000009/spend-imports/${demoImport?.id}/remove`,
      `/spend-imports/${failed.id}`,
    ];
    const wrong: string[] = [];
    const walk = async (paths: string[], who: string) => {
      for (const [width, height] of [
        [1280, 800],
        [375, 667],
        [320, 640],
      ] as const) {
        await page.setViewportSize({ width, height });
        for (const path of paths) {
          await page.goto(base + path);
          await openEverySection(page);
          const where = `${path} (${who}) at ${width} px`;
          for (const problem of await reflowProblems(page)) wrong.push(`${where}: ${problem}`);
          if (width !== 320) for (const v of await violationsOf()) wrong.push(`${where}: axe ${v}`);
        }
      }
    };
    await walk(publicPages, 'signed out');
    await signInAs(page, base, SITE_ADMIN);
    await walk([...pages, ...spendPages], 'signed in');
    assert.deepEqual(wrong, []);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/partnerships/new`);
    await page.getByRole('button', { name: 'Save partnership' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    assert.deepEqual(await violationsOf(), [], 'the partnership form with errors');
    // The business case form's later steps are reached by posting the form, not by an address.
    await page.goto(`${base}/partnerships/wychavon-malvern-hills-shared-chief-executive/business-cases/new`);
    for (const step of ['Costs', 'Savings, prices and risk', 'Sharing']) {
      await page.getByRole('button', { name: step, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: new RegExp(`: ${step}$`) }).waitFor();
      await openEverySection(page);
      assert.deepEqual(await violationsOf(), [], `the business case form's ${step} step`);
      await page.setViewportSize({ width: 320, height: 640 });
      assert.deepEqual(await reflowProblems(page), [], `the ${step} step at 320 px`);
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await page.close();
  },
);
