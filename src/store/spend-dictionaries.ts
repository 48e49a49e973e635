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
  private readonly payeeIds = new Map<string, number>();
  /** Label ids by kind, then code ('' for none), then value: lookups need no key built. */
  private labelIds = newLabelIds();
  constructor(private readonly tx: Sql) {}

  async idsFor(rows: SpendRow[]): Promise<DictionaryIds> {
    if (this.payeeIds.size > CACHE_LIMIT) this.payeeIds.clear();
    if (this.labelCount > CACHE_LIMIT) [this.labelIds, this.labelCount] = [newLabelIds(), 0];
    const payeeKeys = rows.map(payeeKey);
    const newPayees = new Map<string, SpendRow>();
    const newLabels = new Map<string, [LabelKind, SpendRow]>();
    rows.forEach((p, i) => {
      const key = payeeKeys[i] as string;
      if (!this.payeeIds.has(key)) newPayees.set(key, p);
      for (const kind of LABELS) {
        const label = labelOf(p, kind);
        if (label && this.labelId(kind, label) === undefined)
          newLabels.set(`${kind}\u0001${label.code}\u0001${label.value}`, [kind, p]);
      }
    });
    if (newPayees.size) await this.addPayees([...newPayees.values()]);
    if (newLabels.size) await this.addLabels([...newLabels.values()]);
    const ids = (kind: LabelKind) =>
      rows.map((p) => {
        const label = labelOf(p, kind);
        return label && this.labelId(kind, label);
      });
    return {
      payee: payeeKeys.map((key) => this.payeeIds.get(key) as number),
      labels: {
        expenseArea: ids('expenseArea'),
        expenseType: ids('expenseType'),
        categoryLabel: ids('categoryLabel'),
        purpose: ids('purpose'),
      },
    };
  }

  private labelCount = 0;

  private labelId(kind: LabelKind, { value, code }: Label): number | undefined {
    return this.labelIds[kind].get(code)?.get(value);
  }

  /** Finds or adds these payees, one row naming each. */
  private async addPayees(rows: SpendRow[]) {
    const found = await this.tx.query<{ id: number; name: string } & Record<string, string | boolean>>(
      `WITH wanted AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])
           AS w(name, supplier_ref, vat_number, company_number, charity_number, redacted)),
       added AS (
         INSERT INTO payees (name, supplier_ref, vat_number, company_number, charity_number, redacted)
         SELECT * FROM wanted ON CONFLICT DO NOTHING RETURNING *)
       SELECT p.* FROM (SELECT * FROM added UNION ALL SELECT payees.* FROM payees JOIN wanted USING
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
    for (const p of found) {
      this.payeeIds.set(
        payeeKey({
          supplierName: p.name,
          supplierId: p.supplier_ref as string,
          vatNumber: p.vat_number as string,
          companyNumber: p.company_number as string,
          charityNumber: p.charity_number as string,
          redacted: p.redacted as boolean,
        }),
        p.id,
      );
    }
  }

  /** Finds or adds these labels, each with a row that has it. */
  private async addLabels(labels: [LabelKind, SpendRow][]) {
    const parts = labels.map(([kind, p]) => labelOf(p, kind) as Label);
    const found = await this.tx.query<{ id: number; kind: LabelKind; value: string; code: string }>(
      `WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS w(kind, value, code)),
       added AS (INSERT INTO spend_labels (kind, value, code) SELECT * FROM wanted ON CONFLICT DO NOTHING RETURNING *)
       SELECT id, kind, value, code FROM added
       UNION ALL SELECT l.id, l.kind, l.value, l.code FROM spend_labels l JOIN wanted USING (kind, value, code)`,
      [labels.map(([kind]) => kind), parts.map((l) => l.value), parts.map((l) => l.code)],
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

/** A payee as the file names it, with the identifiers that came with it: blank identifiers are ''. */
function payeeKey(p: PayeeFields): string {
  // Joined rather than a template: the key is hashed at once, and join makes a flat string.
  return [p.supplierName, p.supplierId, p.vatNumber, p.companyNumber, p.charityNumber, p.redacted].join(
    '\u0001',
  );
}

interface Label {
  value: string;
  code: string;
}

/** A row's label of one kind; a category may be published as a code alone. */
function labelOf(p: SpendRow, kind: LabelKind): Label | undefined {
  if (kind === 'categoryLabel') {
    const value = p.categoryLabel ?? p.categoryCode;
    return value ? { value, code: p.categoryCode ?? '' } : undefined;
  }
  const value = p[kind];
  return value ? { value, code: '' } : undefined;
}

function newLabelIds(): Record<LabelKind, Map<string, Map<string, number>>> {
  return { expenseArea: new Map(), expenseType: new Map(), categoryLabel: new Map(), purpose: new Map() };
}
