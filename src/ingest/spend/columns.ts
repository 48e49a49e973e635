import { distance } from 'fastest-levenshtein';
import type { ColumnMapping, SpendField } from '../../domain/spend.js';

/**
 * Column names councils use for each Transparency Code field, compared without case, spaces or
 * punctuation. Earlier names win where a file has several (a payment date over an effective date).
 */
export const COLUMN_NAMES: Record<SpendField, string[]> = {
  bodyName: [
    'bodyname',
    'body',
    'organisationlabel',
    'organisationname',
    'organisation',
    'authority',
    'council',
  ],
  paidOn: [
    'paymentdate',
    'paiddate',
    'paidon',
    'dateofpayment',
    'datepaid',
    'transactiondate',
    'date',
    'invoicedate',
    'effectivedate',
  ],
  transactionNumber: [
    'transactionnumber',
    'transno',
    'transactionno',
    'transactionid',
    'transactionref',
    'paymentreference',
    'documentnumber',
    'reference',
  ],
  amount: [
    'amount',
    'netamount',
    'amountexclvat',
    'amountexvat',
    'netvalue',
    'value',
    'amountgbp',
    'grossamount',
    'totalamount',
    'transactionamount',
    'paymentamount',
    'net',
    'gross',
    'total',
  ],
  supplierName: [
    'suppliername',
    'supplier',
    'beneficiaryname',
    'beneficiary',
    'vendorname',
    'vendor',
    'payeename',
    'payee',
    'merchantname',
    'merchant',
  ],
  supplierId: [
    'supplierid',
    'suppliercode',
    'supplierno',
    'beneficiaryotherid',
    'beneficiaryid',
    'vendorid',
    'vendorcode',
  ],
  vatNumber: ['vatregistrationnumber', 'vatnumber', 'vatregno', 'suppliervatnumber', 'vatreg'],
  companyNumber: ['companynumber', 'companyregistrationnumber', 'companieshousenumber', 'companyregno'],
  charityNumber: ['charitynumber', 'registeredcharitynumber', 'charityregistrationnumber'],
  expenseArea: [
    'expensearea',
    'servicearea',
    'service',
    'directorate',
    'department',
    'organisationalunit',
    'serviceunit',
    'costcentredescription',
    'costcentre',
    'division',
  ],
  expenseType: [
    'expensetype',
    'expenditurecategory',
    'expensedescription',
    'accountdescription',
    'subjectivedescription',
    'subjective',
  ],
  expenseCode: [
    'expenditurecode',
    'expensecode',
    'accountcode',
    'subjectivecode',
    'ledgercode',
    'nominalcode',
    'glcode',
  ],
  purpose: ['purpose', 'purposeofexpenditure', 'description', 'narrative', 'paymentdescription', 'details'],
  // Not a card file's merchant category code: its four digits would read as a ProClass group
  // (2842, cleaning, as 28, legal). Its words ("CategoryInternalName") are read as the label.
  categoryCode: ['proclasscode', 'proclass', 'cpvcode', 'cpv'],
  categoryLabel: [
    'proclasslabel',
    'proclassdescription',
    'categoryinternalname',
    'cpvdescription',
    'category',
  ],
};

/** Words councils shorten in headings ("Exp Type", "Expenditure Cat."), written out to match the names above. */
const SHORT_WORDS: Record<string, string> = {
  amt: 'amount',
  cat: 'category',
  categ: 'category',
  ctgy: 'category',
  desc: 'description',
  descr: 'description',
  dept: 'department',
  exp: 'expense',
  expend: 'expenditure',
  org: 'organisation',
  organization: 'organisation',
  ref: 'reference',
  supp: 'supplier',
  trans: 'transaction',
  txn: 'transaction',
};
/** Names at least this long also match a heading one letter out: "Expenditure Catergory", "Suppliername". */
const NEAR_MATCH_CHARS = 8;

export function normaliseHeading(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/£|gbp/g, '')
    .split(/[^a-z0-9]+/)
    .map((word) => SHORT_WORDS[word] ?? word)
    .join('');
}

/** How a heading matched a field's name: exactly (once normalised), or one letter out. */
export type HeadingMatch = 'exact' | 'near';

function matchOf(heading: string, name: string): HeadingMatch | undefined {
  if (heading === name) return 'exact';
  if (name.length >= NEAR_MATCH_CHARS && distance(heading, name) === 1) return 'near';
  return undefined;
}

/**
 * Each field's column in a header row; a column serves one field only. A field takes the column
 * that matches its most preferred name, exactly or one letter out, so a misspelt "Expenditure
 * Catergory" is the expense type rather than a less fitting column that matches exactly.
 * `near` lists the fields found one letter out, for the import report to say so.
 */
export function detectColumns(header: string[]): {
  mapping: ColumnMapping;
  near: SpendField[];
} {
  const headings = header.map(normaliseHeading);
  const taken = new Set<number>();
  const mapping: ColumnMapping = {};
  const near: SpendField[] = [];
  // Fields with the most specific names go first, so "Supplier ID" is not read as a supplier name.
  const order: SpendField[] = [
    'supplierId',
    'vatNumber',
    'companyNumber',
    'charityNumber',
    'categoryCode',
    'categoryLabel',
    'transactionNumber',
    'paidOn',
    'amount',
    'supplierName',
    'bodyName',
    'expenseArea',
    'expenseCode',
    'expenseType',
    'purpose',
  ];
  for (const field of order) {
    for (const name of COLUMN_NAMES[field]) {
      const free = headings.map((h, i) => (taken.has(i) ? undefined : matchOf(h, name)));
      // An exact match beats a near one for the same name.
      const index = free.includes('exact') ? free.indexOf('exact') : free.indexOf('near');
      if (index >= 0) {
        mapping[field] = index;
        taken.add(index);
        if (free[index] === 'near') near.push(field);
        break;
      }
    }
  }
  return { mapping, near };
}
