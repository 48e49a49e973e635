import { hash } from 'node:crypto';
import type { Rejection, SpendRow } from '../domain/spend.js';
import type { Sql } from './db.js';
import { faultPoint } from './faults.js';
import { OccurrenceCounter } from './occurrences.js';
import { openPaymentLoad } from './payment-tables.js';
import { SpendDictionaries } from './spend-dictionaries.js';

const REJECTION_COLUMNS = ['import_id', 'row_number', 'field', 'reason'];
const PAYMENT_COLUMNS = [
  'body_id',
  'content_key',
  'import_id',
  'row_number',
  'paid_on',
  'month',
  'amount_pence',
  'payee_id',
  'transaction_number',
  'expense_area_id',
  'expense_type_id',
  'category_id',
  'purpose_id',
];

/** Writes one import's payments and rejections by COPY, a batch at a time. */
export interface PaymentWriter {
  write(rows: SpendRow[], rejections: Rejection[]): Promise<void>;
  /** Adds the payments written to `payments`, leaving out those held already; returns how many were new. */
  finish(): Promise<number>;
}

export async function openPaymentWriter(tx: Sql, bodyId: number, importId: number): Promise<PaymentWriter> {
  const load = await openPaymentLoad(tx, bodyId);
  const dictionaries = new SpendDictionaries(tx);
  // Let go at finish: for a million payments it holds 20–30 MB that the index builds after need more.
  let occurrences: OccurrenceCounter | undefined = new OccurrenceCounter();
  let copied = 0;
  return {
    async write(rows, rejections) {
      if (rejections.length) {
        const lines = rejections.map(
          (r) => `${importId},${r.row},${csvText(r.field)},${csvText(r.reason)}\n`,
        );
        await tx.copyCsv('spend_rejections', REJECTION_COLUMNS, lines.join(''));
      }
      const counter = occurrences;
      if (!counter) throw new Error('The payment writer is finished');
      const keys = rows.map((p) => contentKey(bodyId, p, counter));
      const ids = await dictionaries.idsFor(rows);
      const { expenseArea, expenseType, categoryLabel, purpose } = ids.labels;
      let lines = '';
      rows.forEach((p, i) => {
        lines += `${bodyId},${keys[i]},${importId},${p.row},${p.paidOn ?? ''},${p.month},${p.amountPence},${ids.payee[i]},${csvText(p.transactionNumber)},${expenseArea[i] ?? ''},${expenseType[i] ?? ''},${categoryLabel[i] ?? ''},${purpose[i] ?? ''}\n`;
      });
      copied += rows.length;
      if (lines) await tx.copyCsv(load.table, PAYMENT_COLUMNS, lines);
      faultPoint('import:batch-written');
    },
    finish: () => {
      occurrences = undefined;
      return load.finish(copied);
    },
  };
}

/**
 * The same payment in two files has the same key: a hash of what identifies it (date, amount, payee
 * and their references), with the count of identical rows before it, so two genuinely equal payments
 * in one file both stay. Descriptive columns (expense type, area, purpose) are left out: choosing
 * another column for them describes the same payment differently, it is not another payment.
 * Migration 8 re-keyed the payments stored before in the same way, in SQL: the two must agree.
 */
function contentKey(bodyId: number, p: SpendRow, occurrences: OccurrenceCounter): string {
  // A template: join cost more than the hashing.
  const content = `${bodyId}\u0001${p.paidOn ?? p.month}\u0001${p.amountPence}\u0001${p.supplierName}\u0001${p.supplierId ?? ''}\u0001${p.transactionNumber ?? ''}`;
  // Hex rather than a Buffer: allocating a Buffer a payment cost more than the hashing.
  const digest = hash('sha256', content, 'hex');
  const n = occurrences.next(parseInt(digest.slice(0, 8), 16), parseInt(digest.slice(8, 16), 16));
  // The n-th repeat of the same content gets the next key along: still deterministic for the file.
  return BigInt.asIntN(64, BigInt(`0x${digest.slice(0, 16)}`) + BigInt(n)).toString();
}

/** Text as a CSV field for COPY: quoted, so that an empty text is not read as NULL; absent is NULL. */
function csvText(text: string | undefined): string {
  return text === undefined ? '' : `"${text.replaceAll('"', '""')}"`;
}
