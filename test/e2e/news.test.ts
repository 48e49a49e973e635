import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openMailer } from '../../src/services/mail.js';
import { sendQueued } from '../../src/services/newsletter.js';
import { needsChromium, signInAs, SITE_ADMIN, startDemoSite } from '../helpers/browser.js';
import { startSmtpServer } from '../helpers/smtp.js';

let site: Awaited<ReturnType<typeof startDemoSite>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let page: Page;
let mail: Parameters<typeof sendQueued>[1];

before(async () => {
  if (needsChromium.skip) return;
  smtp = await startSmtpServer();
  mail = {
    baseUrl: 'http://placeholder',
    mailer: openMailer({ smtpUrl: smtp.url, from: 'news@pathfinder.test' }),
  };
  // Links in e-mails point at the site itself, whose port is known only once it listens.
  const proxy = { baseUrl: '', mailer: mail.mailer };
  site = await startDemoSite({ mail: proxy });
  proxy.baseUrl = site.base;
  mail.baseUrl = site.base;
  page = await site.browser.newPage({ javaScriptEnabled: false });
});
after(async () => {
  await site?.close();
  await smtp?.close();
});

const linkIn = (text: string | undefined, path: string) =>
  new RegExp(`(http://127\\.0\\.0\\.1:\\d+/${path}/[\\w-]{43})`).exec(text ?? '')?.[1] as string;

test(
  'a reader subscribes, confirms by the e-mailed link, gets an edition, and unsubscribes from it',
  needsChromium,
  async () => {
    await page.goto(`${site.base}/editions`);
    await page.getByRole('link', { name: 'Get it by email' }).click();
    await page.getByLabel('Email address').fill('reader@council.test');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const [confirmation] = await smtp.waitFor(1);
    await page.goto(linkIn(confirmation?.text, 'subscribe/confirm'));
    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    await page.getByRole('heading', { name: 'You are subscribed' }).waitFor();

    // The newsroom composes an edition from an item and publishes it.
    const newsroom = await site.browser.newPage({ javaScriptEnabled: false });
    await signInAs(newsroom, site.base, SITE_ADMIN);
    await newsroom.goto(`${site.base}/news/new`);
    await newsroom
      .getByLabel('Headline', { exact: true })
      .fill('Rochdale MBC and Wigan MBC to share a legal service');
    await newsroom.getByLabel('Source', { exact: true }).fill('Local Government Chronicle');
    await newsroom.getByLabel('Link to the article').fill('https://www.lgcplus.com/example');
    await newsroom.getByLabel('Date published').fill('2015-03-03');
    await newsroom
      .getByLabel('Summary', { exact: true })
      .fill('The two councils expect to save £400,000 a year from one legal team.');
    await newsroom.getByRole('button', { name: 'Find the bodies and partnerships it mentions' }).click();
    assert.ok(await newsroom.getByLabel('Rochdale Metropolitan Borough Council').isChecked());
    assert.ok(await newsroom.getByLabel('Wigan Metropolitan Borough Council').isChecked());
    await newsroom.getByRole('button', { name: 'Save news item' }).click();
    await newsroom.getByText('The news item has been saved').waitFor();
    await newsroom.goto(`${site.base}/editions/new`);
    await newsroom.getByLabel('Week of').fill('2015-03-03');
    await newsroom.getByLabel('Editor’s introduction').fill('Legal services join up in Greater Manchester.');
    await newsroom.getByLabel('Rochdale MBC and Wigan MBC to share a legal service').check();
    await newsroom.getByRole('button', { name: 'Save draft and preview' }).click();
    await newsroom.getByText('This is a draft').waitFor();
    await newsroom.getByRole('button', { name: 'Publish and send to subscribers' }).click();
    await newsroom.getByText('The edition is published').waitFor();
    assert.deepEqual(await sendQueued(site.db, mail), { sent: 1, failed: 0 });

    const [, edition] = await smtp.waitFor(2);
    assert.match(edition?.subject ?? '', /News Summary of Collaboration and Shared Services, 3 March 2015/);
    await page.goto(linkIn(edition?.text, 'unsubscribe'));
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { name: 'You are unsubscribed' }).waitFor();
    const [state] = await site.db.query<{ status: string }>(
      `SELECT status FROM subscribers WHERE email = 'reader@council.test'`,
    );
    assert.equal(state?.status, 'unsubscribed');
  },
);
