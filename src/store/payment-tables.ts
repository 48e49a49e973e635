import type { Sql } from './db.js';

/**
 * Payments are partitioned by body (migration 007). A body's first file goes into a new table of
 * its own with no indexes; attaching it to `payments` builds them in one pass each, far cheaper
 * than keeping them up row by row (see the migration). Later files go through `payments` as usual.
 */
export interface PaymentLoad {
  /** The table to COPY into. */
  table: string;
  /** Whether the body held no payments before: nothing in the file can be a duplicate. */
  fresh: boolean;
  /** Makes the loaded payments part of `payments`, indexed; call before the transaction ends. */
  finish(): Promise<void>;
}

const partition = (bodyId: number) => `payments_body_${Math.trunc(bodyId)}`;

export async function openPaymentLoad(tx: Sql, bodyId: number): Promise<PaymentLoad> {
  const table = partition(bodyId);
  const [found] = await tx.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    table,
  ]);
  if (found?.exists) {
    const [held] = await tx.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`);
    if (held?.any) return { table: 'payments', fresh: false, finish: async () => {} };
    // Emptied (truncated): loaded afresh, like a first file.
    await tx.query(`DROP TABLE ${table}`);
  }
  // The CHECK lets ATTACH trust the rows without scanning them again.
  await tx.query(
    `CREATE TABLE ${table} (LIKE payments INCLUDING DEFAULTS, CHECK (body_id = ${Math.trunc(bodyId)}))`,
  );
  return {
    table,
    fresh: true,
    finish: async () => {
      await tx.query(`ALTER TABLE payments ATTACH PARTITION ${table} FOR VALUES IN (${Math.trunc(bodyId)})`);
    },
  };
}

/** Deletes a body's payments with its partition, so that its next file loads as a first one. */
export async function dropBodyPayments(tx: Sql, bodyId: number) {
  await tx.query(`DROP TABLE IF EXISTS ${partition(bodyId)}`);
}
