import type { Sql } from './db.js';

/**
 * Where an import's payments are COPYed before they join `payments`, which is partitioned by body
 * (migration 007). A body's first file goes into a new table of its own with no indexes; attaching
 * it builds them in one pass each, far cheaper than keeping them up row by row (see the migration).
 * A later file goes into a temporary table and joins `payments` in one statement that leaves out the
 * payments already held: one index probe a payment, whatever the body already holds.
 */
export interface PaymentLoad {
  /** The table to COPY into. */
  table: string;
  /** Adds the payments COPYed (`copied` of them) to `payments`; returns how many were new. */
  finish(copied: number): Promise<number>;
}

const partition = (bodyId: number) => `payments_body_${Math.trunc(bodyId)}`;

export async function openPaymentLoad(tx: Sql, bodyId: number): Promise<PaymentLoad> {
  // Written into DDL, which takes no parameters: an integer, nothing else.
  const id = Math.trunc(bodyId);
  const table = partition(id);
  const [found] = await tx.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    table,
  ]);
  if (found?.exists) {
    const [held] = await tx.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`);
    if (held?.any) return laterLoad(tx);
    // Emptied (truncated): loaded afresh, like a first file.
    await tx.query(`DROP TABLE ${table}`);
  }
  // The CHECK lets ATTACH trust the rows without scanning them again.
  await tx.query(`CREATE TABLE ${table} (LIKE payments INCLUDING DEFAULTS, CHECK (body_id = ${id}))`);
  return {
    table,
    finish: async (copied) => {
      await tx.query(`ALTER TABLE payments ATTACH PARTITION ${table} FOR VALUES IN (${id})`);
      // Nothing was held before, and a file never repeats a content key: every payment is new.
      return copied;
    },
  };
}

async function laterLoad(tx: Sql): Promise<PaymentLoad> {
  await tx.query(
    'CREATE TEMPORARY TABLE payments_incoming (LIKE payments INCLUDING DEFAULTS) ON COMMIT DROP',
  );
  return {
    table: 'payments_incoming',
    finish: async () => {
      const [added] = await tx.query<{ count: number }>(
        `WITH added AS (INSERT INTO payments SELECT * FROM payments_incoming ON CONFLICT DO NOTHING RETURNING 1)
         SELECT count(*)::int AS count FROM added`,
      );
      return added?.count ?? 0;
    },
  };
}

/** Deletes a body's payments with its partition, so that its next file loads as a first one. */
export async function dropBodyPayments(tx: Sql, bodyId: number) {
  await tx.query(`DROP TABLE IF EXISTS ${partition(bodyId)}`);
}
