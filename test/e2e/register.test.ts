import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsChromium, noScriptDemoSite } from '../helpers/browser.js';

const site = noScriptDemoSite();

test(
  'an officer creates a partnership through the forms, adds members and a project, and finds it listed',
  needsChromium,
  async () => {
    await site.page.goto(`${site.base}/partnerships`);
    await site.page.getByRole('link', { name: 'Add a partnership' }).click();

    // Sent empty: the GOV.UK error summary names each field and links to it.
    await site.page.getByRole('button', { name: 'Save partnership' }).click();
    const summary = site.page.locator('.govuk-error-summary');
    await summary.waitFor();
    assert.match(await site.page.title(), /^Error: /);
    assert.deepEqual(await summary.getByRole('link').allTextContents(), [
      'Enter the partnership’s name',
      'Choose where the partnership sits on the collaboration spectrum',
    ]);
    assert.equal(await summary.getByRole('link').first().getAttribute('href'), '#name');

    await site.page.getByLabel('Name', { exact: true }).fill('Wigan and Bolton joint legal service');
    await site.page.getByLabel('Shared service', { exact: true }).check();
    await site.page.getByLabel('Start date (optional)').fill('2026-04-01');
    await site.page.getByLabel('Legal', { exact: true }).check();
    await site.page.getByRole('button', { name: 'Save partnership' }).click();

    await site.page
      .getByRole('heading', { level: 1, name: 'Wigan and Bolton joint legal service' })
      .waitFor();
    assert.match(
      await site.page.locator('.govuk-notification-banner').innerText(),
      /The partnership has been saved/,
    );

    for (const [body, role] of [
      ['Wigan Metropolitan Borough Council', 'Lead'],
      ['Bolton Metropolitan Borough Council', 'Member'],
    ]) {
      await site.page.getByLabel('Body', { exact: true }).selectOption({ label: body as string });
      await site.page.getByLabel('Role').selectOption({ label: role as string });
      await site.page.getByRole('button', { name: 'Add member' }).click();
    }
    const members = site.page.getByRole('table', { name: /Members of/ });
    assert.deepEqual(await members.locator('tbody tr td:first-child').allTextContents(), [
      'Wigan Metropolitan Borough Council',
      'Bolton Metropolitan Borough Council',
    ]);

    await site.page.getByRole('link', { name: 'Add a project' }).click();
    await site.page.getByLabel('Project name').fill('Shared legal case management system');
    await site.page.getByLabel('Service').selectOption({ label: 'Legal' });
    await site.page
      .getByLabel('Lead body (optional)')
      .selectOption({ label: 'Wigan Metropolitan Borough Council' });
    await site.page.getByLabel('Business case').check();
    await site.page.getByRole('button', { name: 'Save project' }).click();
    const projects = site.page.getByRole('table', { name: /Projects of/ });
    assert.match(
      await projects.innerText(),
      /Shared legal case management system[\s\S]*Legal[\s\S]*Wigan[\s\S]*Business case/,
    );

    // Listed, and found by the filters a procurement lead would use.
    await site.page.goto(`${site.base}/partnerships`);
    await site.page.getByLabel('Service').selectOption({ label: 'Legal' });
    await site.page.getByLabel('Member').selectOption({ label: 'Bolton Metropolitan Borough Council' });
    await site.page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = site.page.locator('table tbody tr th a');
    assert.deepEqual((await rows.allTextContents()).sort(), [
      'AGMA co-operation on shared services',
      'Wigan and Bolton joint legal service',
    ]);

    // And on the lead body's own site.page.
    await site.page.goto(`${site.base}/bodies/E08000010`);
    assert.match(
      await site.page.locator('main').innerText(),
      /Wigan and Bolton joint legal service[\s\S]*Shared legal case management system\s+Lead/,
    );
  },
);

test(
  'a body can be edited through its form, with a clear error for a mistyped code',
  needsChromium,
  async () => {
    await site.page.goto(`${site.base}/bodies/E07000238/edit`);
    await site.page.getByLabel('Parent body code (optional)').fill('NOPE');
    await site.page.getByLabel('Population (optional)').fill('131,100');
    await site.page.getByRole('button', { name: 'Save body' }).click();
    assert.deepEqual(await site.page.locator('.govuk-error-summary a').allTextContents(), [
      'No body has the code NOPE',
    ]);
    assert.equal(
      await site.page.getByLabel('Population (optional)').inputValue(),
      '131,100',
      'what was typed is kept',
    );
    await site.page.getByLabel('Parent body code (optional)').fill('E10000034');
    await site.page.getByRole('button', { name: 'Save body' }).click();
    await site.page.getByRole('heading', { level: 1, name: 'Wychavon District Council' }).waitFor();
    assert.match(await site.page.locator('main').innerText(), /Population\s+131,100/);
  },
);

test(
  'an officer uploads a spend file on the body’s page and reads the import report',
  needsChromium,
  async () => {
    await site.page.goto(`${site.base}/bodies/E08000005`);
    await site.page.getByLabel('Spend file (CSV or XLSX)').setInputFiles({
      name: 'rochdale-april-2024.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        [
          'Rochdale Metropolitan Borough Council - expenditure over £500',
          'Date,Supplier,Expense Type,Amount',
          '02/04/2024,Acme Care Ltd,Residential care,"1,250.00"',
          '03/04/2024,Redacted personal data,Care,600.00',
          '31/04/2024,Bad Date Ltd,Repairs,700.00',
        ].join('\n'),
      ),
    });
    await site.page.getByRole('button', { name: 'Import spend' }).click();
    await site.page
      .getByRole('heading', { level: 1, name: 'rochdale-april-2024.csv', exact: true })
      .waitFor();
    const text = await site.page.locator('main').innerText();
    assert.match(text, /Payments stored\s+2/);
    assert.match(text, /Refused\s+1/);
    assert.match(text, /Total of payments read\s+£1,850/);
    assert.match(text, /5\s+Date\s+"31\/04\/2024" is not a date/);
    await site.page
      .locator('main')
      .getByRole('link', { name: 'Rochdale Metropolitan Borough Council', exact: true })
      .click();
    assert.match(
      await site.page.getByRole('table', { name: /^Spend files imported for/ }).innerText(),
      /rochdale-april-2024\.csv/,
    );
  },
);
