import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { issueApiToken } from '../../src/services/accounts.js';
import { type Database, openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { getUser } from '../../src/store/users.js';
import { quietMail } from '../helpers/accounts.js';
import { makeUser } from '../helpers/factories.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-remote-'));
let db: Database;
let app: FastifyInstance;
let server: string;

/** The real command, run as a council officer would on their own machine, against the server. */
function pathfinder(token: string, ...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, PATHFINDER_TOKEN: token, DATABASE_URL: '' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (err += c));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err })),
  );
}

before(async () => {
  db = await openDatabase();
  await migrate(db);
  await seedDemo(db);
  app = await buildApp({ db, mail: quietMail() });
  await app.listen({ port: 0, host: '127.0.0.1' });
  server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
after(async () => {
  await app.close();
  await db.close();
  rmSync(work, { recursive: true, force: true });
});

test('an officer sends a spend file to the server with an API token; the server checks the token’s rights', async () => {
  const editor = await getUser(
    db,
    await makeUser(db, { email: 'editor@trafford.test', bodyCode: 'E08000009', role: 'editor' }),
  );
  const file = join(work, 'trafford-april.csv');
  writeFileSync(
    file,
    'Date,Supplier,Amount\n01/04/2026,Acme Ltd,"1,200.00"\n02/04/2026,Bravo Services,600.50\n',
  );
  const write = await issueApiToken(db, editor, 'monthly upload', ['write']);
  const sent = await pathfinder(write, 'import', 'spend', file, '--body', 'E08000009', '--server', server);
  assert.equal(sent.code, 0, sent.err);
  assert.match(sent.out, /rows read 2: 2 stored, 0 already stored, 0 refused/);
  assert.match(sent.out, /total £1,800.50/);
  const [stored] = await db.query<{ n: number; total: number }>(
    `SELECT count(*)::int AS n, sum(amount_pence)::int8 AS total FROM payments`,
  );
  assert.deepEqual(stored, { n: 2, total: 180_050 });

  // A row the server cannot read is reported with its row and field; a file it cannot read at all is refused.
  const odd = join(work, 'odd-row.csv');
  writeFileSync(odd, 'Date,Supplier,Amount\n03/04/2026,Acme Ltd,twelve pounds\n04/04/2026,Acme Ltd,20.00\n');
  const partly = await pathfinder(write, 'import', 'spend', odd, '--body', 'E08000009', '--server', server);
  assert.equal(partly.code, 0, partly.err);
  assert.match(partly.out, /1 refused/);
  assert.match(partly.out, /row 2, Amount/);
  const empty = join(work, 'empty.csv');
  writeFileSync(empty, '');
  const refused = await pathfinder(
    write,
    'import',
    'spend',
    empty,
    '--body',
    'E08000009',
    '--server',
    server,
  );
  assert.equal(refused.code, 1);
  assert.match(refused.err, /empty\.csv/);

  const readOnly = await issueApiToken(db, editor, 'reader', ['read']);
  const denied = await pathfinder(
    readOnly,
    'import',
    'spend',
    file,
    '--body',
    'E08000009',
    '--server',
    server,
  );
  assert.equal(denied.code, 1);
  assert.match(denied.err, /answered 403/);
  const elsewhere = await pathfinder(
    write,
    'import',
    'spend',
    file,
    '--body',
    'E08000001',
    '--server',
    server,
  );
  assert.equal(elsewhere.code, 1, 'an editor of Trafford cannot import Bolton’s spend');
  assert.match(elsewhere.err, /answered 403/);
});
