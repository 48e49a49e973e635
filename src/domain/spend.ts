import { InputError, type Problem } from './errors.js';

/**
 * A payment as councils publish it under the Local Government Transparency Code, after reading:
 * one shape whatever the file's layout. Amounts are pence; credits and refunds are negative.
 */
export interface SpendRow {
  /** Row in the file as a spreadsheet numbers it (title rows and the header count). */
  row: number;
  /** The payment date; absent when the file lost it and the import named the month instead. */
  paidOn?: string;
  /** The first day of the payment's month: what the spend cube is keyed by. */
  month: string;
  amountPence: number;
  /** The supplier as written; empty for accounting adjustments that name none. */
  supplierName: string;
  /** Redacted or personal-data payees: counted in totals, never matched as suppliers. */
  redacted: boolean;
  bodyName?: string;
  supplierId?: string;
  vatNumber?: string;
  companyNumber?: string;
  charityNumber?: string;
  transactionNumber?: string;
  expenseArea?: string;
  expenseType?: string;
  /** The body's own ledger code for the expense type: the same code means the same expense type at that body. */
  expenseCode?: string;
  purpose?: string;
  categoryCode?: string;
  categoryLabel?: string;
}

/** The fields a spend file can have, with the words used in reports and mapping forms. */
export const SPEND_FIELDS = {
  bodyName: 'Body name',
  paidOn: 'Payment date',
  transactionNumber: 'Transaction number',
  amount: 'Amount',
  supplierName: 'Supplier name',
  supplierId: 'Supplier ID',
  vatNumber: 'VAT registration number',
  companyNumber: 'Company number',
  charityNumber: 'Charity number',
  expenseArea: 'Expense area or service',
  expenseType: 'Expense type',
  expenseCode: 'Expense code',
  purpose: 'Purpose',
  categoryCode: 'ProClass or CPV code',
  categoryLabel: 'ProClass or category label',
} as const;
export type SpendField = keyof typeof SPEND_FIELDS;

/** Which column (0-based) holds each field. */
export type ColumnMapping = Partial<Record<SpendField, number>>;

/** A row the reader could not accept, with the field at fault and why, in words. */
export interface Rejection {
  row: number;
  field: string;
  reason: string;
}

const REDACTED =
  /\bredacted\b|personal (data|information)|private individual|data protection|\bwithheld\b|\bgdpr\b/i;

/** Payees that transparency rules say must not be named. */
export function isRedactedName(name: string): boolean {
  return REDACTED.test(name);
}

/** How the file was understood: shown in the import report so a person can check it. */
export interface SpendLayout {
  file: string;
  format: 'csv' | 'xlsx';
  /** CSV only. */
  encoding?: 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';
  /** CSV only. */
  delimiter?: string;
  /** XLSX only: the worksheet read. */
  sheet?: string;
  headerRow: number;
  header: string[];
  mapping: ColumnMapping;
  /** Fields whose heading was found one letter out ("Expenditure Catergory"), to be checked. */
  nearMatches?: SpendField[];
  /** yyyy-mm given for payments whose dates the file lost. */
  undatedMonth?: string;
}

export type SpendItem =
  | { kind: 'payment'; payment: SpendRow }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'note'; row: number; note: string };

/**
 * The file's columns could not all be placed: carries the headings found, so a person can be asked
 * which column holds what.
 */
export class ColumnChoiceError extends InputError {
  constructor(
    message: string,
    problems: Problem[],
    file: string,
    readonly header: string[],
    readonly mapping: ColumnMapping,
  ) {
    super(message, problems, file);
  }
}

/**
 * What to do about a file none of whose rows could be stored, from the reasons its rows were
 * refused: the commonest reason decides, as it is usually one cause throughout.
 */
export function adviceForRefusedFile(rejections: Rejection[]): string {
  const counts = new Map<string, number>();
  for (const r of rejections) {
    const kind = /date is missing/.test(r.reason)
      ? 'no-dates'
      : /is not a date|outside the years/.test(r.reason)
        ? 'dates'
        : /is for ".*", not /.test(r.reason)
          ? 'other-body'
          : /amount/.test(r.reason)
            ? 'amounts'
            : 'rows';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const [commonest] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['rows'];
  return {
    'no-dates':
      'The file has lost its payment dates. Give the month the payments were made (the month field, or --month yyyy-mm) and import it again.',
    dates:
      'The dates cannot be read. Check that the column chosen for the payment date holds dates, or choose another column, and import it again.',
    'other-body':
      'The file’s body column names another body. Import it for that body, or check that you chose the right body.',
    amounts:
      'The amounts cannot be read. Check that the column chosen for the amount holds amounts of money, or choose another column.',
    rows: 'Correct the rows listed below (all of them are in the download) and import the file again.',
  }[commonest as string] as string;
}
