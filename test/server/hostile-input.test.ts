import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import JSZip from 'jszip';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { saveProject } from '../../src/store/projects.js';
import {
  anonymous,
  asSiteAdministrator,
  type Client,
  CookieJar,
  csrfTokenIn,
  quietMail,
  signIn,
} from '../helpers/accounts.js';
import { makeUser, PASSWORD } from '../helpers/factories.js';
import { emptyRegister, forEachDatabase } from '../helpers/databases.js';
import { multipartForm } from '../helpers/uploads.js';

// Uploads and readers keep their temporary files here (os.tmpdir() follows TMPDIR), apart from other tests'.
const temp = mkdtempSync(join(tmpdir(), 'pathfinder-hostile-temp-'));
const tmpdirBefore = process.env.TMPDIR;
process.env.TMPDIR = temp;
after(() => {
  process.env.TMPDIR = tmpdirBefore;
  rmSync(temp, { recursive: true, force: true });
});

/**
 * A workbook whose table of contents says its sheet unzips to `claimed` bytes: what a zip bomb
 * declares, without this test having to make one.
 */
async function workbookClaiming(claimed: number): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<Types/>');
  zip.file('xl/worksheets/sheet1.xml', '<worksheet/>');
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  // Each central directory entry (PK\1\2) keeps the unzipped size at offset 24.
  for (let at = bytes.indexOf('PK\x01\x02'); at >= 0; at = bytes.indexOf('PK\x01\x02', at + 4)) {
    const name = bytes.toString('latin1', at + 46, at + 46 + bytes.readUInt16LE(at + 28));
    if (name.includes('sheet1')) bytes.writeUInt32LE(claimed, at + 24);
  }
  return bytes;
}

forEachDatabase('hostile input', (database) => {
  let app: FastifyInstance;
  let admin: Client;
  before(async () => {
    await emptyRegister(database());
    await seedDemo(database());
    app = await buildApp({ db: database(), mail: quietMail(), signInAttemptsPerMinute: 1000 });
    admin = await asSiteAdministrator(app, database());
  });
  after(() => app.close());

  const upload = (name: string, content: Buffer | string) =>
    admin.inject({
      method: 'POST',
      url: '/api/v1/bodies/E07000178/spend-imports',
      ...multipartForm({}, { name, content }),
    });

  test('a NUL in an address, query, JSON or form body is refused with 422 naming the field', async () => {
    const visitor = await anonymous(app);
    const query = await visitor.inject('/api/v1/bodies?q=ox%00ford');
    assert.equal(query.statusCode, 422);
    assert.deepEqual(
      query.json().problems.map((p: { field: string }) => p.field),
      ['q'],
    );
    assert.equal((await visitor.inject('/bodies?q=%00')).statusCode, 422);
    assert.equal((await visitor.inject('/bodies/E07000178%00')).statusCode, 422);
    const json = await admin.inject({
      method: 'POST',
      url: '/api/v1/partnerships',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Bad\u0000name' }),
    });
    assert.equal(json.statusCode, 422, json.body);
    assert.deepEqual(
      json.json().problems.map((p: { field: string }) => p.field),
      ['name'],
    );
    const form = await visitor.inject({
      method: 'POST',
      url: '/sign-in',
      payload: { email: 'a\u0000@b.test', password: 'x' },
    });
    assert.equal(form.statusCode, 422);
    assert.match(form.body, /email/);
  });

  test('after signing in, "next" leads only to a path on this site', async () => {
    await makeUser(database(), { email: 'next@wychavon.test', bodyCode: 'E07000238', role: 'viewer' });
    for (const next of [
      '/bodies?q=ŵ',
      '/ /evil.example',
      '/\t/evil.example',
      '//evil.example',
      '/\\evil.example',
      '/ok\r\nSet-Cookie: x=1',
      'https://evil.example',
    ]) {
      const jar = new CookieJar();
      const page = await app.inject({ url: '/sign-in' });
      jar.take(page.headers['set-cookie']);
      const res = await app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { cookie: jar.header() },
        payload: { email: 'next@wychavon.test', password: PASSWORD, next, _csrf: csrfTokenIn(page.body) },
      });
      // Refused outright for its control characters, or sent home: never elsewhere, never a 500.
      assert.ok([303, 422].includes(res.statusCode), `${JSON.stringify(next)}: ${res.statusCode}`);
      if (res.statusCode === 303) assert.equal(res.headers.location, '/', JSON.stringify(next));
    }
  });

  test('another partnership’s draft project looks exactly like a missing one, to reading and writing', async () => {
    const id = await saveProject(
      database(),
      { name: 'Unannounced merger', service: 'it', stage: 'idea', description: '', draft: true },
      { partnership: 'agma-cooperation' },
    );
    await makeUser(database(), { email: 'editor@wychavon.test', bodyCode: 'E07000238', role: 'editor' });
    const outsider = await signIn(app, database(), 'editor@wychavon.test');
    for (const [method, path] of [
      ['GET', '/edit'],
      ['POST', '/edit'],
      ['POST', '/delete'],
    ] as const) {
      const [draft, missing] = await Promise.all(
        [id, 99_999].map((n) => outsider.inject({ method, url: `/projects/${n}${path}`, payload: {} })),
      );
      assert.equal(draft?.statusCode, 404, `${method} ${path}`);
      assert.equal(missing?.statusCode, 404);
      const main = (html = '') => /<main[\s\S]*<\/main>/.exec(html)?.[0];
      assert.equal(main(draft?.body)?.replace(String(id), 'N'), main(missing?.body)?.replace('99999', 'N'));
    }
  });

  test('an administrator adding an address held at another body is told nothing about it', async () => {
    await makeUser(database(), {
      email: 'admin@wychavon.test',
      bodyCode: 'E07000238',
      role: 'administrator',
    });
    await makeUser(database(), { email: 'held@trafford.test', bodyCode: 'E08000009', role: 'viewer' });
    const bodyAdmin = await signIn(app, database(), 'admin@wychavon.test');
    const add = (email: string) =>
      bodyAdmin.inject({
        method: 'POST',
        url: '/users/new',
        payload: { name: 'Someone', email, role: 'viewer' },
      });
    const [held, fresh] = [await add('held@trafford.test'), await add('fresh@wychavon.test')];
    assert.deepEqual([held.statusCode, held.headers.location], [fresh.statusCode, fresh.headers.location]);
    const [row] = await database().query<{ body: string }>(
      `SELECT b.code AS body FROM users u JOIN bodies b ON b.id = u.body_id WHERE u.email = 'held@trafford.test'`,
    );
    assert.equal(row?.body, 'E08000009', 'the account at the other body is untouched');
  });

  test('a file name over 255 characters is refused, naming the limit', async () => {
    const res = await upload(`${'a'.repeat(300)}.csv`, 'Date,Supplier,Amount\n01/04/2024,Acme,1.00\n');
    assert.equal(res.statusCode, 422);
    assert.match(res.json().error, /255 characters/);
  });

  test('a workbook that would unzip past the limit is refused by name, and leaves no temporary files', async () => {
    const res = await upload('bomb.xlsx', await workbookClaiming(4_000_000_000));
    assert.equal(res.statusCode, 422);
    const body = res.json();
    assert.equal(body.file, 'bomb.xlsx');
    assert.match(body.error, /sheet1\.xml would unzip to 3,815 MB, more than the 512 MB/);
    assert.deepEqual(body.problems, [{ field: '(whole file)', message: body.error }]);
    assert.deepEqual(
      readdirSync(temp).filter((n) => n.startsWith('pathfinder-')),
      [],
      'the upload and the reader leave nothing behind',
    );
  });

  test('a CSV saved as UTF-16 (Excel’s "Unicode text") is read', async () => {
    const text = 'Date\tSupplier\tAmount\r\n01/04/2024\tCafé Crème Ltd\t1,250.00\r\n';
    const res = await upload(
      'unicode.txt',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual([res.json().accepted, res.json().totalPence], [1, 125_000]);
    const [payee] = await database().query<{ name: string }>(
      `SELECT name FROM payees WHERE name LIKE 'Caf%'`,
    );
    assert.equal(payee?.name, 'Café Crème Ltd');
  });

  test('a file without line breaks is refused as such, not as an open quote', async () => {
    const res = await upload('one-line.csv', `Date,Supplier,Amount,${'x,'.repeat(1_500_000)}`);
    assert.equal(res.statusCode, 422);
    assert.match(res.json().error, /Row 1 runs on for more than 1,048,576 characters without a line break/);
  });

  test('a quote left open is reported with the row where it opens and the lines it swallows', async () => {
    const rows = ['Date,Supplier,Amount', '01/04/2024,Acme,1.00', '02/04/2024,"Bolt, plc,2.00'];
    for (let i = 0; i < 40; i++) rows.push(`03/04/2024,Supplier ${i},3.00`);
    const res = await upload('open-quote.csv', rows.join('\n'));
    assert.equal(res.statusCode, 422);
    const body = res.json();
    assert.match(
      body.error,
      /A quote opened in row 3 is never closed, so the 40 lines after it are read as one value/,
    );
    assert.equal(body.problems[0].row, 3);
    const [held] = await database().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM spend_imports WHERE file_name = 'open-quote.csv'`,
    );
    assert.equal(held?.n, 0, 'nothing of the file is stored');
  });
});
