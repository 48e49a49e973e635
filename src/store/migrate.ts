import { SIGN_IN_BOOKKEEPING, type Sql } from './db.js';
import register from './migrations/001_register.js';
import spend from './migrations/002_spend.js';
import suppliers from './migrations/003_suppliers.js';
import businessCases from './migrations/004_business_cases.js';
import accounts from './migrations/005_accounts.js';
import news from './migrations/006_news.js';
import spendPartitions from './migrations/007_spend_partitions.js';
import paymentIdentity from './migrations/008_payment_identity.js';
import signInFailures from './migrations/009_sign_in_failures.js';
import spendRejections from './migrations/010_spend_rejections.js';
import addressableSpend from './migrations/011_addressable_spend.js';
import supplierNameCategory from './migrations/012_supplier_name_category.js';
import bodyLocation from './migrations/013_body_location.js';
import spendImportJobs from './migrations/014_spend_import_jobs.js';
import dataChanges from './migrations/015_data_changes.js';
import retireAnalysisState from './migrations/016_retire_analysis_state.js';
import benefits from './migrations/017_benefits.js';

/** Migrations in order; a migration, once released, is never edited: add the next one instead. */
const MIGRATIONS: { id: number; name: string; sql: string }[] = [
  { id: 1, name: 'register', sql: register },
  { id: 2, name: 'spend', sql: spend },
  { id: 3, name: 'suppliers', sql: suppliers },
  { id: 4, name: 'business cases', sql: businessCases },
  { id: 5, name: 'accounts', sql: accounts },
  { id: 6, name: 'news', sql: news },
  { id: 7, name: 'spend partitions', sql: spendPartitions },
  { id: 8, name: 'payment identity', sql: paymentIdentity },
  { id: 9, name: 'sign-in failures', sql: signInFailures },
  { id: 10, name: 'spend rejections', sql: spendRejections },
  { id: 11, name: 'addressable spend', sql: addressableSpend },
  { id: 12, name: 'supplier name category', sql: supplierNameCategory },
  { id: 13, name: 'body location', sql: bodyLocation },
  { id: 14, name: 'spend import jobs', sql: spendImportJobs },
  { id: 15, name: 'data changes', sql: dataChanges },
  { id: 16, name: 'retire analysis state', sql: retireAnalysisState },
  { id: 17, name: 'benefits', sql: benefits },
];

const DATA_CHANGES = 15;
/**
 * Attaches migration 15's announcement to every table that lacks it but the sign-in bookkeeping: run
 * after any migration, so a table a later migration adds is announced too. Partitions are written
 * through their parent table or in the same transaction as another table, so the parent's trigger is
 * enough.
 */
const ANNOUNCE_CHANGES = `
DO $$
DECLARE t regclass;
BEGIN
  FOR t IN
    SELECT c.oid::regclass FROM pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND c.relname NOT IN (${SIGN_IN_BOOKKEEPING.map((t) => `'${t}'`).join(', ')})
      AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'announce_data_change')
  LOOP
    EXECUTE format('CREATE TRIGGER announce_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s
      FOR EACH STATEMENT EXECUTE FUNCTION announce_data_change()', t);
  END LOOP;
END $$;`;

// Any constant works as long as every Pathfinder process uses the same one.
const MIGRATION_LOCK = 7_115_2002;

/**
 * Brings the schema up to date, or up to migration `through` (tests of a migration start there);
 * safe to run from several processes at once.
 */
export async function migrate(db: Sql, { through = Infinity } = {}): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.id) || m.id > through) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    }
    if (applied.length && (done.has(DATA_CHANGES) || applied.includes(DATA_CHANGES)))
      await tx.exec(ANNOUNCE_CHANGES);
    return applied;
  });
}
