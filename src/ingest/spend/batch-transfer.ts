import type { Rejection, SpendItem, SpendRow } from '../../domain/spend.js';
import { detached } from './detached.js';

/**
 * A batch of a spend file's items packed to cross from the reading thread to the storing one.
 * Handing over payments as objects cost more than reading them (structured clone: ~5 µs a payment);
 * packed, numbers travel in typed arrays that are moved, not copied, and each text once, as an id
 * into a table both sides keep. The storing side then gets one string for a text however often it
 * recurs, whose hash is kept with it, which makes its dictionary lookups cheap too.
 */
export interface PackedBatch {
  /** The receiver's table is emptied before `texts` are added: the sender started afresh. */
  fresh: boolean;
  /** Texts first seen in this batch, in id order after those sent before. */
  texts: string[];
  /** Per item: PAYMENT, REJECTED or NOTE, in file order. */
  kinds: Uint8Array;
  /** Per payment: its row, pence and whether the payee is redacted. */
  rows: Int32Array;
  pence: Float64Array;
  redacted: Uint8Array;
  /** Per payment, TEXT_FIELDS.length ids: 0 for a field the payment lacks. */
  textIds: Int32Array;
  /** Per payment: nearly every one differs, so they are sent as they are, not through the table. */
  transactionNumbers: (string | undefined)[];
  rejections: Rejection[];
  notes: { row: number; note: string }[];
}

const PAYMENT = 0;
const REJECTED = 1;
const NOTE = 2;
const TEXT_FIELDS = [
  'paidOn',
  'month',
  'supplierName',
  'bodyName',
  'supplierId',
  'vatNumber',
  'companyNumber',
  'charityNumber',
  'expenseArea',
  'expenseType',
  'purpose',
  'categoryCode',
  'categoryLabel',
  'expenseCode',
] as const satisfies readonly (keyof SpendRow)[];
const WIDTH = TEXT_FIELDS.length;
/** Texts the table holds before both sides start afresh, so that a file of all-different texts cannot fill memory. */
const TABLE_LIMIT = 100_000;

/** The reading side: packs batches, remembering which texts the other side has already. */
export class BatchPacker {
  /** `tableLimit`: texts held before starting afresh (smaller in tests, to see it happen). */
  constructor(private readonly tableLimit = TABLE_LIMIT) {}
  /** A map a field: small maps are found in the cache where one large one is not. */
  private ids = TEXT_FIELDS.map(() => new Map<string, number>());
  /** Texts given ids so far; none means the receiver's table must start empty too. */
  private count = 0;

  /** The packed batch, and the buffers to move with it rather than copy. */
  pack(items: SpendItem[]): { batch: PackedBatch; transfer: ArrayBuffer[] } {
    if (this.count > this.tableLimit) {
      this.ids = TEXT_FIELDS.map(() => new Map<string, number>());
      this.count = 0;
    }
    const payments = items.filter((item) => item.kind === 'payment').length;
    const batch: PackedBatch = {
      fresh: this.count === 0,
      texts: [],
      kinds: new Uint8Array(items.length),
      rows: new Int32Array(payments),
      pence: new Float64Array(payments),
      redacted: new Uint8Array(payments),
      textIds: new Int32Array(payments * WIDTH),
      transactionNumbers: [],
      rejections: [],
      notes: [],
    };
    let j = 0;
    items.forEach((item, i) => {
      if (item.kind === 'rejected') {
        batch.kinds[i] = REJECTED;
        batch.rejections.push(item.rejection);
      } else if (item.kind === 'note') {
        batch.kinds[i] = NOTE;
        batch.notes.push({ row: item.row, note: item.note });
      } else {
        const p = item.payment;
        batch.kinds[i] = PAYMENT;
        batch.rows[j] = p.row;
        batch.pence[j] = p.amountPence;
        batch.redacted[j] = p.redacted ? 1 : 0;
        // Field by field in TEXT_FIELDS' order, as unpack reads them: a loop over names cost twice as much.
        const at = j * WIDTH;
        const ids = batch.textIds;
        ids[at] = this.id(0, p.paidOn, batch);
        ids[at + 1] = this.id(1, p.month, batch);
        ids[at + 2] = this.id(2, p.supplierName, batch);
        ids[at + 3] = this.id(3, p.bodyName, batch);
        ids[at + 4] = this.id(4, p.supplierId, batch);
        ids[at + 5] = this.id(5, p.vatNumber, batch);
        ids[at + 6] = this.id(6, p.companyNumber, batch);
        ids[at + 7] = this.id(7, p.charityNumber, batch);
        ids[at + 8] = this.id(8, p.expenseArea, batch);
        ids[at + 9] = this.id(9, p.expenseType, batch);
        ids[at + 10] = this.id(10, p.purpose, batch);
        ids[at + 11] = this.id(11, p.categoryCode, batch);
        ids[at + 12] = this.id(12, p.categoryLabel, batch);
        ids[at + 13] = this.id(13, p.expenseCode, batch);
        batch.transactionNumbers.push(p.transactionNumber);
        j++;
      }
    });
    return {
      batch,
      transfer: [batch.kinds, batch.rows, batch.pence, batch.redacted, batch.textIds].map(
        (a) => a.buffer as ArrayBuffer,
      ),
    };
  }

  private id(field: number, text: string | undefined, batch: PackedBatch): number {
    if (text === undefined) return 0;
    const ids = this.ids[field] as Map<string, number>;
    let id = ids.get(text);
    if (id === undefined) {
      id = ++this.count;
      ids.set(detached(text), id);
      batch.texts.push(text);
    }
    return id;
  }
}

/** The storing side: turns packed batches back into items, its table kept in step with the packer's. */
export class BatchUnpacker {
  private table: (string | undefined)[] = [undefined];

  unpack(batch: PackedBatch): SpendItem[] {
    if (batch.fresh) this.table = [undefined];
    for (const text of batch.texts) this.table.push(text);
    const t = this.table;
    const ids = batch.textIds;
    const items: SpendItem[] = new Array(batch.kinds.length);
    let j = 0;
    let rejected = 0;
    let noted = 0;
    for (let i = 0; i < batch.kinds.length; i++) {
      if (batch.kinds[i] === REJECTED) {
        items[i] = { kind: 'rejected', rejection: batch.rejections[rejected++] as Rejection };
      } else if (batch.kinds[i] === NOTE) {
        const { row, note } = batch.notes[noted++] as { row: number; note: string };
        items[i] = { kind: 'note', row, note };
      } else {
        // Written out field by field, in TEXT_FIELDS' order: every payment then has one shape.
        const at = j * WIDTH;
        items[i] = {
          kind: 'payment',
          payment: {
            row: batch.rows[j] as number,
            paidOn: t[ids[at] as number],
            month: t[ids[at + 1] as number] as string,
            amountPence: batch.pence[j] as number,
            supplierName: t[ids[at + 2] as number] as string,
            redacted: batch.redacted[j] === 1,
            bodyName: t[ids[at + 3] as number],
            supplierId: t[ids[at + 4] as number],
            vatNumber: t[ids[at + 5] as number],
            companyNumber: t[ids[at + 6] as number],
            charityNumber: t[ids[at + 7] as number],
            transactionNumber: batch.transactionNumbers[j],
            expenseArea: t[ids[at + 8] as number],
            expenseType: t[ids[at + 9] as number],
            purpose: t[ids[at + 10] as number],
            categoryCode: t[ids[at + 11] as number],
            categoryLabel: t[ids[at + 12] as number],
            expenseCode: t[ids[at + 13] as number],
          },
        };
        j++;
      }
    }
    return items;
  }
}
