import type { Actor } from '../../src/domain/audit.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Database, type DatabaseOptions, openDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

/** The PostgreSQL server tests create their own databases on; never one they did not create. */
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
// Asked once, before any suite is declared, so that suites declare their hooks synchronously.
const serverAvailable = await postgresAnswers();

/** A PostgreSQL database made on the test server for one suite; `drop` removes it. */
async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `pathfinder_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

function describeEachKind(title: string, suite: (kind: 'pglite' | 'postgres') => void) {
  for (const kind of ['pglite', 'postgres'] as const) {
    describe(`${title} [${kind}]`, () => {
      const available = kind === 'pglite' || serverAvailable;
      if (!available && process.env.CI) throw new Error(`No PostgreSQL server answers at ${ADMIN_URL}`);
      if (!available) {
        describe('skipped', { skip: `no PostgreSQL server answers at ${ADMIN_URL}` }, () => {});
        return;
      }
      suite(kind);
    });
  }
}

/**
 * A fresh, migrated database of each kind, created before the tests and dropped after; migrated
 * only up to migration `through` for tests of the migration after it.
 */
export function forEachDatabase(
  title: string,
  tests: (db: () => Database) => void,
  { through = Infinity } = {},
) {
  describeEachKind(title, (kind) => {
    let db: Database;
    let dropDatabase = async () => {};
    before(async () => {
      if (kind === 'pglite') {
        db = await openDatabase();
      } else {
        const made = await createPostgresDatabase();
        db = await openDatabase({ url: made.url });
        dropDatabase = made.drop;
      }
      await migrate(db, { through });
    });
    after(async () => {
      await db?.close();
      await dropDatabase();
    });
    tests(() => db);
  });
}

/**
 * A database of each kind that separate processes can open in turn (an embedded data folder, or a
 * PostgreSQL database), made for the suite and removed after: `options` say where it is.
 */
export function forEachDatabaseTarget(
  title: string,
  tests: (kind: 'pglite' | 'postgres', options: () => DatabaseOptions) => void,
) {
  describeEachKind(title, (kind) => {
    let options: DatabaseOptions = {};
    let remove = async () => {};
    before(async () => {
      if (kind === 'pglite') {
        const dataDir = mkdtempSync(join(tmpdir(), 'pathfinder-target-'));
        options = { dataDir };
        remove = async () => rmSync(dataDir, { recursive: true, force: true });
      } else {
        const made = await createPostgresDatabase();
        options = { url: made.url };
        remove = made.drop;
      }
    });
    after(() => remove());
    tests(kind, () => options);
  });
}

/** Empties every table, so each test starts from a known register. */
export async function emptyRegister(db: Database) {
  await db.query(
    `TRUNCATE bodies, partnerships, payments, spend_cube, payees, spend_labels, suppliers, analysis_cube, users, news_items, editions, subscribers,
       audit_events, sign_in_failures RESTART IDENTITY CASCADE`,
  );
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The shared reference data (real public files): PATHFINDER_SHARED_DATA if set (a folder that does not
 * exist turns those tests off), else beside the repository, else the workplace's copy, so that a clone
 * made anywhere still tests against the real files.
 */
export const sharedData =
  process.env.PATHFINDER_SHARED_DATA ??
  [join(repoRoot, '..', 'shared', 'data'), '/work/shared/data'].find((dir) => existsSync(dir)) ??
  join(repoRoot, '..', 'shared', 'data');
export const hasSharedData = existsSync(sharedData);
export const needsSharedData = hasSharedData ? {} : { skip: `reference data not found at ${sharedData}` };

/** Who the audit trail says made a change that a test makes directly through a service. */
export const TESTER: Actor = { name: 'test suite' };
