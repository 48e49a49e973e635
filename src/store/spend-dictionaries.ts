import type { SpendRow } from '../domain/spend.js';
import type { Sql } from './db.js';

/** Entries a dictionary cache keeps before starting afresh: the database, not memory, holds the truth. */
const CACHE_LIMIT = 200_000;
const LABELS = ['expenseArea', 'expenseType', 'categoryLabel', 'purpose'] as const;
type LabelKind = (typeof LABELS)[number];

/** The dictionary ids of a batch of payments, a column each, in the batch's order. */
export interface DictionaryIds {
  payee: number[];
  /** Absent where the payment has no such label. */
  labels: Record<LabelKind, (number | undefined)[]>;
}

/**
 * Ids for the text that payments repeat (payees as a file names them, expense areas and types,
 * categories, purposes), created as new text appears and cached while the cache is small.
 */
export class SpendDictionaries {
  /**
   * Payee ids by name, then identifiers. The reader hands on one string for a name it reads again,
   * whose hash is kept with it, so the first lookup costs little; one key built for all a payment
   * took a tenth of the import.
   */
  private payeeIds = new Map<string, Map<string, number>>();
  private payeeCount = 0;
  /** Label ids by kind, then code ('' for none), then value: lookups need no key built. */
  private labelIds = newLabelIds();
  private labelCount = 0;
  constructor(private readonly tx: Sql) {}

  async idsFor(rows: SpendRow[]): Promise<DictionaryIds> {
    if (this.payeeCount > CACHE_LIMIT) [this.payeeIds, this.payeeCount] = [new Map(), 0];
    if (this.labelCount > CACHE_LIMIT) [this.labelIds, this.labelCount] = [newLabelIds(), 0];
    const ids: DictionaryIds = {
      payee: [],
      labels: { expenseArea: [], expenseType: [], categoryLabel: [], purpose: [] },
    };
    const newPayees = new Map<string, SpendRow>();
    const newLabels = new Map<string, [LabelKind, SpendRow]>();
    const incomplete: number[] = [];
    rows.forEach((p, i) => {
      if (!this.fill(ids, i, p)) {
        incomplete.push(i);
        newPayees.set(`${p.supplierName}\u0001${identifiersKey(p)}`, p);
        for (const kind of LABELS) {
          const value = labelValue(p, kind);
          if (value !== undefined)
            newLabels.set(`${kind}\u0001${labelCode(p, kind)}\u0001${value}`, [kind, p]);
        }
      }
    });
    if (newPayees.size) await this.addPayees([...newPayees.values()]);
    if (newLabels.size) await this.addLabels([...newLabels.values()]);
    for (const i of incomplete) this.fill(ids, i, rows[i] as SpendRow);
    return ids;
  }

  /** Sets row i's ids from the caches; false if any is not cached yet. */
  private fill(ids: DictionaryIds, i: number, p: SpendRow): boolean {
    const payee = this.payeeIds.get(p.supplierName)?.get(identifiersKey(p));
    let complete = payee !== undefined;
    ids.payee[i] = payee as number;
    for (const kind of LABELS) {
      const value = labelValue(p, kind);
      const id = value === undefined ? undefined : this.labelIds[kind].get(labelCode(p, kind))?.get(value);
      if (value !== undefined && id === undefined) complete = false;
      ids.labels[kind][i] = id;
    }
    return complete;
  }

  /** Finds or adds these payees, one row naming each. */
  private async addPayees(rows: SpendRow[]) {
    const found = await this.tx.query<PayeeFields & { id: number }>(
      `WITH wanted AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])
           AS w(name, supplier_ref, vat_number, company_number, charity_number, redacted)),
       added AS (
         INSERT INTO payees (name, supplier_ref, vat_number, company_number, charity_number, redacted)
         SELECT * FROM wanted ON CONFLICT DO NOTHING RETURNING *)
       SELECT p.id, p.name AS "supplierName", p.supplier_ref AS "supplierId", p.vat_number AS "vatNumber",
         p.company_number AS "companyNumber", p.charity_number AS "charityNumber", p.redacted
       FROM (SELECT * FROM added UNION ALL SELECT payees.* FROM payees JOIN wanted USING
         (name, supplier_ref, vat_number, company_number, charity_number, redacted)) p`,
      [
        rows.map((p) => p.supplierName),
        rows.map((p) => p.supplierId ?? ''),
        rows.map((p) => p.vatNumber ?? ''),
        rows.map((p) => p.companyNumber ?? ''),
        rows.map((p) => p.charityNumber ?? ''),
        rows.map((p) => p.redacted),
      ],
    );
    for (const payee of found) {
      const byIdentifiers = this.payeeIds.get(payee.supplierName) ?? new Map<string, number>();
      this.payeeIds.set(payee.supplierName, byIdentifiers.set(identifiersKey(payee), payee.id));
      this.payeeCount++;
    }
  }

  /** Finds or adds these labels, each with a row that has it. */
  private async addLabels(labels: [LabelKind, SpendRow][]) {
    const found = await this.tx.query<{ id: number; kind: LabelKind; value: string; code: string }>(
      `WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS w(kind, value, code)),
       added AS (INSERT INTO spend_labels (kind, value, code) SELECT * FROM wanted ON CONFLICT DO NOTHING RETURNING *)
       SELECT id, kind, value, code FROM added
       UNION ALL SELECT l.id, l.kind, l.value, l.code FROM spend_labels l JOIN wanted USING (kind, value, code)`,
      [
        labels.map(([kind]) => kind),
        labels.map(([kind, p]) => labelValue(p, kind)),
        labels.map(([kind, p]) => labelCode(p, kind)),
      ],
    );
    for (const { id, kind, value, code } of found) {
      const byValue = this.labelIds[kind].get(code) ?? new Map<string, number>();
      this.labelIds[kind].set(code, byValue.set(value, id));
      this.labelCount++;
    }
  }
}

type PayeeFields = Pick<
  SpendRow,
  'supplierName' | 'supplierId' | 'vatNumber' | 'companyNumber' | 'charityNumber' | 'redacted'
>;

/** What names a payee besides its name, as one key: blank identifiers are ''. */
function identifiersKey(p: PayeeFields): string {
  return `${p.supplierId ?? ''}\u0001${p.vatNumber ?? ''}\u0001${p.companyNumber ?? ''}\u0001${p.charityNumber ?? ''}\u0001${p.redacted}`;
}

/** A row's label of one kind; a category or an expense type may be published as a code alone. */
function labelValue(p: SpendRow, kind: LabelKind): string | undefined {
  if (kind === 'categoryLabel') return (p.categoryLabel ?? p.categoryCode) || undefined;
  if (kind === 'expenseType') return (p.expenseType ?? p.expenseCode) || undefined;
  return p[kind] || undefined;
}

/** The code published with a label: ProClass or CPV for a category, the ledger code for an expense type, '' for none. */
function labelCode(p: SpendRow, kind: LabelKind): string {
  if (kind === 'categoryLabel') return p.categoryCode || '';
  if (kind === 'expenseType') return p.expenseCode || '';
  return '';
}

function newLabelIds(): Record<LabelKind, Map<string, Map<string, number>>> {
  return { expenseArea: new Map(), expenseType: new Map(), categoryLabel: new Map(), purpose: new Map() };
}
