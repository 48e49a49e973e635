/**
 * Addressable spend: what a council could buy differently. Tax, pensions, levies and precepts,
 * payments to other public bodies, grants and benefits, refunds and internal transfers, and
 * redacted or personal payments are not: they are left out of combined spend, opportunities and
 * savings, and shown beside them by reason. A payee's reason is decided by the directory of bodies
 * and by its name; an expense type's by its words; a payment is excluded if either is.
 */
export const EXCLUSION_REASONS = {
  tax: 'Tax and duty',
  pensions: 'Pensions',
  levies: 'Levies and precepts',
  public_bodies: 'Payments to public bodies',
  grants: 'Grants and benefits',
  refunds: 'Refunds and internal transfers',
  redacted: 'Redacted or personal',
} as const;
export type ExclusionReason = keyof typeof EXCLUSION_REASONS;

/** Payee names that say what the payment is, tried in order: a pension fund run by a council is a pension. */
const PAYEE_RULES: [RegExp, ExclusionReason][] = [
  [/\b(hmrc|h\.?\s?m\.? revenue|revenue (and|&) customs|inland revenue)\b/i, 'tax'],
  [/\b(pensions?|superann\w*|lgps|gmpf)\b/i, 'pensions'],
  [/\b(levy|levies|precepts?)\b/i, 'levies'],
  // Ledgers name refunds paid to people as the payee ("RENT REFUNDS", "COUNCIL TAX REFUNDS").
  [/\brefunds?\b/i, 'refunds'],
  [
    /\b((city|county|borough|district|parish|town|metropolitan|unitary) council|council of|combined authori\w*|police|fire (and|&) rescue|fire authority|nhs|environment agency|vehicle (and|&) operator services agency|dvsa|driver and vehicle|post office|hm courts|land registry|dvla|department (for|of)|ministry of|integrated care board|clinical commissioning)\b/i,
    'public_bodies',
  ],
];

/** Expense types (and published categories) that are not purchases, whoever is paid. */
const EXPENSE_RULES: [RegExp, ExclusionReason][] = [
  [/\b(paye|national insurance|income tax|vat (payable|control)|corporation tax)\b/i, 'tax'],
  [/\b(pensions?|superann\w*)\b/i, 'pensions'],
  [/\b(levy|levies|precepts?)\b/i, 'levies'],
  // "Revenues and benefits service" is a service councils buy; benefit payments are not.
  [
    /\b(grants?|(housing|council tax) benefits?|benefits? paid|benefit payments?|direct payments?|personal budgets?|bursar(y|ies)|members'? allowances)\b/i,
    'grants',
  ],
  [
    /\b(refunds?|reimburse\w*|recharges?|internal transfer|suspense|creditors|control account|balance sheet)\b/i,
    'refunds',
  ],
];

/** Names in a file cut at a field width ("Greater Manchester Combined Authori") still name the body. */
const TRUNCATED_MIN_CHARS = 20;
const simplified = (name: string) =>
  name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The names of the bodies in the directory (each body's name and the names it is known by). */
export class DirectoryNames {
  private readonly names: Set<string>;
  private readonly sorted: string[];
  constructor(names: Iterable<string>) {
    this.names = new Set([...names].map(simplified).filter(Boolean));
    this.sorted = [...this.names].sort();
  }

  /** Whether a payee name is a body's name, whole or cut short. */
  has(name: string): boolean {
    const key = simplified(name);
    if (this.names.has(key)) return true;
    if (key.length < TRUNCATED_MIN_CHARS) return false;
    // The first name at or after the key is the only one it can begin.
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.sorted[mid] as string) < key) low = mid + 1;
      else high = mid;
    }
    return this.sorted[low]?.startsWith(key) ?? false;
  }
}

/** Why a payee's payments are not addressable, if they are not. */
export function payeeExclusion(
  payee: { name: string; redacted: boolean },
  directory: DirectoryNames,
): ExclusionReason | undefined {
  if (payee.redacted) return 'redacted';
  const byName = PAYEE_RULES.find(([pattern]) => pattern.test(payee.name))?.[1];
  if (byName && byName !== 'public_bodies') return byName;
  return directory.has(payee.name) ? 'public_bodies' : byName;
}

/** Why payments of an expense type (or a published category) are not addressable, if they are not. */
export function expenseExclusion(label: string): ExclusionReason | undefined {
  return EXPENSE_RULES.find(([pattern]) => pattern.test(label))?.[1];
}
