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
    'expenditurecode',
    'accountcode',
    'expensecode',
  ],
  purpose: ['purpose', 'purposeofexpenditure', 'description', 'narrative', 'paymentdescription', 'details'],
  categoryCode: ['proclasscode', 'proclass', 'cpvcode', 'cpv', 'merchantcategorycode'],
  categoryLabel: [
    'proclasslabel',
    'proclassdescription',
    'categoryinternalname',
    'cpvdescription',
    'category',
  ],
};

export function normaliseHeading(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/£|gbp/g, '')
    .replace(/[^a-z0-9]/g, '');
}

/** Each field's column in a header row; a column serves one field only. */
export function detectColumns(header: string[]): ColumnMapping {
  const headings = header.map(normaliseHeading);
  const taken = new Set<number>();
  const mapping: ColumnMapping = {};
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
    'expenseType',
    'purpose',
  ];
  for (const field of order) {
    for (const name of COLUMN_NAMES[field]) {
      const index = headings.findIndex((h, i) => h === name && !taken.has(i));
      if (index >= 0) {
        mapping[field] = index;
        taken.add(index);
        break;
      }
    }
  }
  return mapping;
}
