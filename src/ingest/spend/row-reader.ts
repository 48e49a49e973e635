import {
  isRedactedName,
  SPEND_FIELDS,
  type SpendField,
  type SpendItem,
  type SpendLayout,
  type SpendRow,
} from '../../domain/spend.js';
import { detached } from './detached.js';
import { formatted, LIMITS } from './limits.js';
import { isMissingDate, parseAmount, parseDate } from './values.js';

/** What files write in a field that has nothing to say ("NA" for no ProClass code, "#N/A" from a formula). */
const NOT_GIVEN = /^(#?n\/?a|none|null|not applicable|-+)$/i;
/** Answers a Memo keeps before starting afresh, so a file of all-different values cannot fill memory. */
const MEMO_LIMIT = 20_000;
/** Fields kept in dictionaries, whose index keys are bounded: the longest each may be. */
const DICTIONARY_LIMITS: [SpendField[], number, string][] = [
  [
    [
      'supplierName',
      'expenseArea',
      'expenseType',
      'expenseCode',
      'purpose',
      'categoryCode',
      'categoryLabel',
      'bodyName',
    ],
    LIMITS.nameChars,
    'a name or label',
  ],
  [
    ['supplierId', 'vatNumber', 'companyNumber', 'charityNumber'],
    LIMITS.identifierChars,
    'a reference number',
  ],
];
/** A record as the CSV or workbook reader hands it on: its cells, or why it could not be read. */
export type RawRecord = { row: number; cells: string[] } | { row: number; error: string };

/**
 * Turns one record into a payment, a rejection or a note, naming fields by the file's own headings.
 * undatedMonth (yyyy-mm) is the month given to rows of a file whose dates were lost at publication.
 */
export function rowReader(layout: SpendLayout, undatedMonth?: string) {
  const { mapping, header } = layout;
  const heading = (field: SpendField) => header[mapping[field] as number] ?? SPEND_FIELDS[field];
  // A file repeats its dates and supplier names thousands of times: each is read once.
  const dates = new Memo((text: string) => {
    const date = parseDate(text);
    return 'value' in date ? { ...date, month: `${date.value.slice(0, 7)}-01` } : date;
  });
  const suppliers = new Memo((name: string) => {
    const spaced = name.replace(/\s+/g, ' ');
    // A payee not given ("N/A", blank) is withheld like a redacted one: never a supplier to share.
    return { name: spaced, redacted: !spaced || NOT_GIVEN.test(spaced) || isRedactedName(spaced) };
  });
  const cell = (cells: string[], field: SpendField) => {
    const i = mapping[field];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const optional = (cells: string[], field: SpendField) => {
    const text = cell(cells, field);
    return text && !NOT_GIVEN.test(text) ? text : undefined;
  };
  const overLong = (cells: string[]) => {
    for (const [fields, limit, what] of DICTIONARY_LIMITS)
      for (const field of fields)
        if (cell(cells, field).length > limit)
          return {
            field,
            reason: `The value is longer than the ${formatted(limit)} characters ${what} may be`,
          };
    return undefined;
  };
  return ({ row, cells }: { row: number; cells: string[] }): SpendItem => {
    if (
      cells.length !== header.length &&
      (cells.length < header.length || cells.slice(header.length).some((c) => c.trim()))
    ) {
      return reject(
        row,
        '(whole row)',
        `The row has ${cells.length} cells where the header has ${header.length}`,
      );
    }
    const long = cells.findIndex((c) => c.length > LIMITS.fieldChars);
    if (long >= 0) {
      const limit = formatted(LIMITS.fieldChars);
      return reject(row, header[long] ?? '(whole row)', `The value is longer than ${limit} characters`);
    }
    // Text with a NUL cannot be stored (nor is any council's): the file is damaged here.
    const nul = cells.findIndex((c) => c.includes('\u0000'));
    if (nul >= 0)
      return reject(row, header[nul] ?? '(whole row)', 'The value holds a NUL character (a zero byte)');
    const tooLong = overLong(cells);
    if (tooLong) return reject(row, heading(tooLong.field), tooLong.reason);
    const supplier = suppliers.get(cell(cells, 'supplierName'));
    const amount = parseAmount(cell(cells, 'amount'));
    if (!supplier.name && 'value' in amount && cells.some((c) => /^\s*(grand\s+)?totals?\b/i.test(c))) {
      return { kind: 'note', row, note: 'a total row, not a payment: ignored' };
    }
    if ('reason' in amount) return reject(row, heading('amount'), amount.reason);
    const date = dates.get(cell(cells, 'paidOn'));
    let paidOn: string | undefined;
    let month: string;
    if ('value' in date) {
      paidOn = date.value;
      month = date.month;
    } else if (undatedMonth && isMissingDate(cell(cells, 'paidOn'))) {
      month = `${undatedMonth}-01`;
    } else {
      return reject(row, heading('paidOn'), date.reason);
    }
    const payment: SpendRow = {
      row,
      paidOn,
      month,
      amountPence: amount.value,
      supplierName: supplier.name,
      redacted: supplier.redacted,
      bodyName: optional(cells, 'bodyName'),
      // Read as written, placeholders too: they are part of what identifies a payment already held.
      supplierId: cell(cells, 'supplierId') || undefined,
      vatNumber: optional(cells, 'vatNumber'),
      companyNumber: optional(cells, 'companyNumber'),
      charityNumber: optional(cells, 'charityNumber'),
      transactionNumber: cell(cells, 'transactionNumber') || undefined,
      expenseArea: optional(cells, 'expenseArea'),
      expenseType: optional(cells, 'expenseType'),
      expenseCode: optional(cells, 'expenseCode'),
      purpose: optional(cells, 'purpose'),
      categoryCode: optional(cells, 'categoryCode'),
      categoryLabel: optional(cells, 'categoryLabel'),
    };
    return { kind: 'payment', payment };
  };
}

/** A function's answers kept by argument, up to a bound: the same few values recur through a file. */
class Memo<T> {
  private readonly answers = new Map<string, T>();
  constructor(private readonly answer: (text: string) => T) {}

  get(text: string): T {
    let found = this.answers.get(text);
    if (found === undefined) {
      if (this.answers.size >= MEMO_LIMIT) this.answers.clear();
      found = this.answer(text);
      this.answers.set(detached(text), found);
    }
    return found;
  }
}

export function reject(row: number, field: string, reason: string): SpendItem {
  return { kind: 'rejected', rejection: { row, field, reason } };
}
