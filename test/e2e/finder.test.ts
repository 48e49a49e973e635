import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsChromium, noScriptDemoSite } from '../helpers/browser.js';

const site = noScriptDemoSite();

test(
  'a procurement lead finds where the Tri-Council could buy together and saves one as a project',
  needsChromium,
  async () => {
    await site.page.goto(`${site.base}/opportunities`);
    await site.page.getByLabel('Partnership').selectOption({ label: 'Tri-Council partnership' });
    await site.page.getByLabel('From month').fill('2024-04');
    await site.page.getByLabel('To month').fill('2025-03');
    await site.page.getByRole('button', { name: 'Find opportunities' }).click();
    await site.page.getByRole('heading', { name: /3 bodies, April 2024 to March 2025/ }).waitFor();
    const main = site.page.locator('main');
    assert.match(await main.innerText(), /synthetic demo spend/);
    assert.match(await main.innerText(), /Supplier consolidation/);
    // The evidence behind the first opportunity, down to the payments.
    const opportunities = site.page.getByRole('table', { name: 'Opportunities' });
    const first = opportunities.locator('tbody tr').first();
    const title = (await first.locator('td').first().innerText()).split('\n')[0] as string;
    await first.getByRole('link', { name: 'payments' }).click();
    await site.page.getByRole('heading', { level: 1, name: 'Payments to the supplier' }).waitFor();
    assert.ok((await site.page.locator('main tbody tr').count()) > 0);
    await site.page.goBack();
    await opportunities
      .locator('tbody tr')
      .first()
      .getByRole('button', { name: /Save as project/ })
      .click();
    await site.page.getByText('The project has been saved').waitFor();
    assert.match(
      await site.page.getByRole('table', { name: /^Projects of/ }).innerText(),
      new RegExp(title.slice(0, 30).replace(/[()]/g, '.')),
    );
  },
);

test('a finance lead builds a business case and sees who would be worse off', needsChromium, async () => {
  await site.page.goto(`${site.base}/partnerships/wychavon-malvern-hills-shared-chief-executive`);
  await site.page.getByRole('link', { name: 'Start a business case' }).click();
  const next = () => site.page.getByRole('button', { name: 'Continue' }).click();
  await site.page.getByRole('heading', { name: 'Step 1 of 4: Partners' }).waitFor();
  await site.page.getByLabel('Name of the business case').fill('Shared revenues and benefits');
  await site.page.getByLabel('Wychavon District Council: cost now').fill('1,200,000');
  await site.page.getByLabel('Malvern Hills District Council: cost now').fill('800,000');
  await next();
  await site.page.getByLabel(/Running cost of the shared service/).fill('1.7m');
  await site.page.getByLabel('One-off cost 1: year').fill('1');
  await site.page.getByLabel('One-off cost 1: amount in pounds').fill('200,000');
  await site.page.getByLabel('One-off cost 1: kind').selectOption({ label: 'IT' });
  await next();
  await site.page.getByRole('heading', { name: 'Step 3 of 4: Savings, prices and risk' }).waitFor();
  await next();
  const runningSplit = site.page.getByRole('group', { name: 'How to split the running cost' });
  await runningSplit.getByRole('radio', { name: 'Equal shares' }).check();
  await site.page.getByRole('button', { name: 'Save and see the results' }).click();
  await site.page.getByRole('heading', { level: 1, name: 'Shared revenues and benefits' }).waitFor();
  const text = await site.page.locator('main').innerText();
  assert.match(text, /Malvern Hills District Council would be worse off/);
  assert.match(text, /An annual payment of £[\d,]+ to Malvern Hills District Council/);
  assert.match(text, /Net present value/);
  // Changing one answer: straight to its step, every other answer kept.
  await site.page.getByRole('link', { name: 'Change the inputs' }).click();
  await site.page.getByRole('button', { name: 'Sharing' }).click();
  await runningSplit.getByRole('radio', { name: 'By baseline cost' }).check();
  await site.page.getByRole('button', { name: 'Save and see the results' }).click();
  await site.page.getByText('No partner worse off').waitFor();
  savedCase = new URL(site.page.url()).pathname;
});

/** The business case the finance lead saved, for the sideways-scrolling check. */
let savedCase = '/business-cases/1';

test(
  'at go-live the business case becomes a benefits plan, and a finance lead records its saving',
  needsChromium,
  async () => {
    await site.page.goto(`${site.base}/partnerships/wychavon-malvern-hills-shared-chief-executive`);
    await site.page.getByRole('link', { name: 'or one from “Shared revenues and benefits”' }).click();
    await site.page.getByRole('heading', { name: 'Start a benefits plan' }).waitFor();
    assert.match(
      await site.page.getByLabel('Wychavon District Council').inputValue(),
      /^£[\d,.]+(; £[\d,.]+)+$/,
    );
    await site.page.getByLabel('Go-live month').fill('2023-04');
    await site.page.getByLabel('Baseline from').fill('2022-04');
    await site.page.getByLabel('Baseline to').fill('2023-03');
    await site.page.getByLabel('Categories (their codes)').fill('27');
    await site.page.getByRole('button', { name: 'Save plan' }).click();
    await site.page.getByText('The benefits plan has been saved').waitFor();
    const main = site.page.locator('main');
    assert.match(await main.innerText(), /Evidenced|Not yet visible|Contradicted|No data/);
    assert.match(
      await main.innerText(),
      /restated in \d{4} prices by the CPI INDEX 00: ALL ITEMS 2015=100 \(D7BT\)/,
    );

    await site.page
      .getByLabel('Partner', { exact: true })
      .selectOption({ label: 'Wychavon District Council' });
    await site.page.getByLabel('Plan year').fill('1');
    await site.page.getByLabel('Amount saved').fill('£50,000');
    await site.page.getByRole('radio', { name: 'Verified' }).check();
    await site.page.getByLabel('Evidence').fill('Licence invoices for 2023-24 against 2022-23');
    await site.page.getByLabel('Confirmed by').fill('Chief finance officer');
    await site.page.getByRole('button', { name: 'Record saving' }).click();
    await site.page.getByText('The realised saving has been recorded').waitFor();
    assert.match(
      await site.page.getByRole('table', { name: 'Savings recorded by the partners' }).innerText(),
      /£50,000/,
    );

    // The payments behind a year's figure are a click away.
    await site.page
      .getByRole('link', { name: /Information and communication technology in year 1/ })
      .first()
      .click();
    await site.page
      .getByRole('heading', { level: 1, name: /Payments for Information and communication technology/ })
      .waitFor();
    assert.match(await site.page.locator('main').innerText(), /add up to £/);

    await site.page.goto(`${site.base}/partnerships/wychavon-malvern-hills-shared-chief-executive`);
    assert.match(
      await site.page.locator('main').innerText(),
      /£50,000 recorded against benefits plans, £50,000 of it verified/,
    );
  },
);

test(
  'the report reads in three screens before its evidence, and nothing scrolls sideways on a phone or a laptop',
  needsChromium,
  async () => {
    const pages = [
      '/opportunities?partnership=agma-cooperation',
      '/bodies/E08000009/partners',
      '/opportunities/evidence?partnership=agma-cooperation&category=27',
      '/categories',
      '/addressable',
      '/partnerships/agma-cooperation/business-cases/new',
      savedCase,
    ];
    for (const [width, height] of [
      [1280, 800],
      [375, 667],
    ] as const) {
      await site.page.setViewportSize({ width, height });
      for (const path of pages) {
        await site.page.goto(`${site.base}${path}`);
        const { pageWidth, viewport } = await site.page.evaluate(() => ({
          pageWidth: document.documentElement.scrollWidth,
          viewport: document.documentElement.clientWidth,
        }));
        assert.ok(pageWidth <= viewport, `${path} at ${width} px is ${pageWidth} px wide`);
      }
    }
    await site.page.setViewportSize({ width: 1280, height: 800 });
    await site.page.goto(`${site.base}/opportunities?partnership=agma-cooperation`);
    const evidenceTop = await site.page
      .locator('#evidence')
      .evaluate((h) => h.getBoundingClientRect().top + scrollY);
    assert.ok(evidenceTop <= 3 * 800, `the evidence starts ${evidenceTop} px down: more than three screens`);
    assert.match(await site.page.title(), /^Opportunities for AGMA/);

    // Printed, the report is its content alone, with every collapsed table open.
    const shared = site.page.getByRole('region', { name: 'Every supplier two or more of them pay' });
    assert.equal(await shared.isVisible(), false, 'collapsed on screen');
    await site.page.emulateMedia({ media: 'print' });
    assert.equal(await shared.isVisible(), true, 'open on paper');
    assert.equal(
      await site.page.locator('.govuk-service-navigation, .govuk-header').first().isVisible(),
      false,
    );
    assert.equal(await site.page.getByRole('button', { name: /^Find opportunities/ }).isVisible(), false);
    await site.page.emulateMedia({ media: 'screen' });
  },
);
