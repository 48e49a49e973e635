/**
 * The common taxonomy every body's spend is mapped to: the top level of ProClass, the procurement
 * classification written for UK local government and used in the LGA spend schema (Trafford's files
 * carry ProClass codes). Its 30 top-level groups are broad enough for any council's expense types and
 * are the groups joint procurement is organised by; CPV, the EU/UK public-procurement vocabulary, is
 * finer but names goods, not the services councils mostly buy. Codes are ProClass's own two digits.
 */
import { oneOf } from './codes.js';

export const CATEGORIES = {
  '10': 'Building materials',
  '11': 'Catering',
  '12': 'Cemetery and crematorium',
  '13': 'Cleaning and janitorial',
  '14': 'Clothing',
  '15': 'Consultancy',
  '16': 'Domestic goods',
  '17': 'Education',
  '18': 'Environmental services',
  '19': 'Facilities and management services',
  '20': 'Financial services',
  '21': 'Furniture and soft furnishings',
  '22': 'Health and safety',
  '23': 'Highways equipment and materials',
  '24': 'Horticultural',
  '25': 'Housing management',
  '26': 'Human resources',
  '27': 'Information and communication technology',
  '28': 'Legal services',
  '29': 'Leisure and culture',
  '30': 'Mail services',
  '31': 'Medical',
  '32': 'Social care and services',
  '33': 'Sports and playground',
  '34': 'Stationery and office supplies',
  '35': 'Street and traffic management',
  '36': 'Transport and transport services',
  '37': 'Utilities',
  '38': 'Vehicle management',
  '39': 'Works: construction, repair and maintenance',
} as const;
export type Category = keyof typeof CATEGORIES;
export const category = oneOf(CATEGORIES, 'Choose a category from the list');

const isCategory = (code: string): code is Category => code in CATEGORIES;

/** CPV divisions (the first two digits) and the ProClass group that buys them. */
const CPV_DIVISIONS: Record<string, Category> = {
  '03': '24',
  '09': '37',
  '14': '10',
  '15': '11',
  '18': '14',
  '22': '34',
  '30': '27',
  '31': '37',
  '32': '27',
  '33': '31',
  '34': '38',
  '37': '33',
  '39': '21',
  '41': '37',
  '44': '10',
  '45': '39',
  '48': '27',
  '50': '19',
  '55': '11',
  '60': '36',
  '64': '30',
  '65': '37',
  '66': '20',
  '70': '25',
  '71': '15',
  '72': '27',
  '73': '15',
  '75': '15',
  '77': '24',
  '79': '15',
  '80': '17',
  '85': '32',
  '90': '18',
  '92': '29',
  '98': '19',
};

/**
 * The category a published classification code gives: a ProClass code (six digits, the group
 * first) or a CPV code (eight digits and a check digit).
 */
export function categoryOfCode(code: string | undefined): Category | undefined {
  const digits = code?.replace(/[\s-]/g, '') ?? '';
  if (/^\d{8,9}$/.test(digits)) return CPV_DIVISIONS[digits.slice(0, 2)];
  if (/^\d{2,7}$/.test(digits)) {
    const group = digits.slice(0, 2);
    return isCategory(group) ? group : undefined;
  }
  return undefined;
}

/**
 * Rules for councils' own expense type names, tried in order; the first that matches gives the
 * category. They cover the common ledger headings; anything else waits for a person to map it.
 */
const RULES: [RegExp, Category][] = [
  [
    /\b(software|licen[cs]es?|computer|ict\b|\bit\b|hardware|telephon|mobile phone|broadband|network|database|crm\b)/i,
    '27',
  ],
  [/\b(legal|solicitor|counsel|barrister|court fees)/i, '28'],
  [
    /\b(agency staff|temporary (bureau )?staff|bureau staff|recruitment|advertising for staff|training|short courses|interpret|translation|child ?care vouchers|cycle scheme)/i,
    '26',
  ],
  [/\b(consultan|professional fees|professional services|advisory)/i, '15'],
  [
    /\b(residential care|nursing care|home care|domiciliary|supported living|foster|day care|care package|direct payment|respite|adult care|children'?s? placement|social care)/i,
    '32',
  ],
  [/\b(school|tuition|education|nursery|early years|pupil)/i, '17'],
  [/\b(electric|gas\b|water|energy|utilit|fuel oil)/i, '37'],
  [/\b(vehicle|veh\b|fleet|tyres?|van hire|plant (hire|purchase))/i, '38'],
  [/\b(fuel|petrol|diesel)/i, '38'],
  [/\b(taxi|transport|travel|bus\b|coach hire|rail)/i, '36'],
  [/\b(waste|refuse|recycl|pest control|environmental|tipping|landfill|skip hire)/i, '18'],
  [/\b(clean|toilet requisites|janitorial)/i, '13'],
  [/\b(catering|food|provisions|meals)/i, '11'],
  [
    /\b(repair|maintenance|building works|construction|capital works|contractor|sub ?contractors?|alterations|groundworks|fire alarms?)/i,
    '39',
  ],
  [/\b(security|facilities|rent|rates|premises|property)/i, '19'],
  [/\b(postage|courier|mail)/i, '30'],
  [/\b(stationery|printing|office equipment|photocopy)/i, '34'],
  [/\b(furniture|furnishings)/i, '21'],
  [/\b(grounds|horticultur|tree|parks)/i, '24'],
  [/\b(highway|road|street lighting)/i, '23'],
  [/\b(traffic|parking)/i, '35'],
  [/\b(leisure|museum|library|libraries|arts|culture|events|instructors|coaching)/i, '29'],
  [/\b(sports?|playground|play equipment)/i, '33'],
  [/\b(medical|pharma|clinical|health)/i, '31'],
  [/\b(bank charges|insurance|audit fees|financ)/i, '20'],
  [/\b(housing|homeless|temporary accommodation|bed and breakfast)/i, '25'],
  [/\b(protective|health and safety|first aid)/i, '22'],
  [/\b(uniform|clothing)/i, '14'],
  [/\b(cemeter|cremat|burial)/i, '12'],
  [/\b(building materials|timber|plumbing supplies|materials)\b/i, '10'],
];

/** The category a rule gives a council's expense type name, if any rule knows it. */
export function categoryByRule(label: string): Category | undefined {
  return RULES.find(([pattern]) => pattern.test(label))?.[1];
}

/**
 * The category a supplier's name plainly says ("Acme Plant Hire Ltd"), for spend nothing else
 * places. Only for a trading company's name: the rules read words as an expense type would, and
 * a trust's, a school's or a place's name ("Watershed Arts Trust", "Cowley Road Works") misleads
 * them. Care providers are left out too: "Kingsley Healthcare Ltd" runs care homes, not clinics.
 */
export function categoryByName(name: string): Category | undefined {
  if (!/\b(ltd|limited|plc|llp|& co|and co|company)\b\.?/i.test(name)) return undefined;
  if (
    /\b(trust|school|academy|college|university|council|ombudsman|service|care|health\s?care)\b/i.test(name)
  ) {
    return undefined;
  }
  return categoryByRule(name);
}

/** Shortenings councils use for ProClass groups in their labels ("SC : Adoption", "HWY : Gritting"). */
const GROUP_SHORT_NAMES: Record<string, Category> = {
  sc: '32',
  hr: '26',
  fm: '19',
  hwy: '23',
  ict: '27',
  construction: '39',
  traffic: '35',
};

/**
 * The ProClass group a published category label names, from its words before the colon
 * ("SOCIAL CARE : Domiciliary Care", "VEHICLES : Leasing"), or by the rules where the words are not
 * a group's name ("Specialty Cleaning, Polishing, and Sanitation").
 */
export function categoryOfWords(label: string): Category | undefined {
  const group = (label.split(':')[0] ?? label).trim().toLowerCase();
  const first = group.split(/[^a-z]+/)[0] ?? '';
  const short = GROUP_SHORT_NAMES[first];
  if (short) return short;
  // The group's own name, matched on its first word's stem: "ENVIRONMENT" is "Environmental services".
  const named = (Object.entries(CATEGORIES) as [Category, string][]).find(
    ([, name]) =>
      first.length >= 4 && name.toLowerCase().startsWith(first.slice(0, Math.max(4, first.length - 2))),
  );
  return named?.[0] ?? categoryByRule(group);
}

/** A published code and the words beside it that name different groups: a person decides which is right. */
export interface CodeDisagreement {
  byCode: Category;
  byWords: Category;
}

export function codeDisagreement(code: string, words: string): CodeDisagreement | undefined {
  const byCode = categoryOfCode(code);
  const byWords = categoryOfWords(words);
  return byCode && byWords && byCode !== byWords ? { byCode, byWords } : undefined;
}

/**
 * ProClass's second level where a file gives it: the first four digits of a ProClass code, named by
 * the words after the group in its label ("FACILITIES MGT : Lifts", 191400 → 1914 Lifts). CPV codes
 * and labels without a second part have none.
 */
export function proclassSecondLevel(
  code: string,
  words: string,
): { code: string; label: string } | undefined {
  const digits = code.replace(/[\s-]/g, '');
  const label = words.split(':').slice(1).join(':').trim();
  return /^\d{4,7}$/.test(digits) && label ? { code: digits.slice(0, 4), label } : undefined;
}

/** How a label's category was decided; 'confirmed' is a person's. */
export type MappingMethod = 'code' | 'confirmed' | 'learned' | 'ledger' | 'rule';

/** A body's published label: its kind (expense type or category), its words and its code. */
export interface PublishedLabel {
  kind: string;
  value: string;
  code: string;
}

/**
 * The category a label takes without a person: its published ProClass or CPV code, unless the words
 * beside it name another group; then the words a person confirmed for the same words elsewhere
 * (not for a ledger code alone, which is one body's own);
 * then the same ledger code's words at the same body (`sameLedgerCode`, for a file that gives only
 * the code); then the rules. Undefined leaves it in the queue.
 */
export function categoryOfLabel(
  label: PublishedLabel,
  known: { confirmed: (words: string) => Category | undefined; sameLedgerCode: () => Category | undefined },
): { category: Category; method: MappingMethod } | undefined {
  const wordsGiven = label.value !== label.code;
  if (label.kind === 'categoryLabel' && label.code) {
    if (wordsGiven && codeDisagreement(label.code, label.value)) return undefined;
    const byCode = categoryOfCode(label.code);
    if (byCode) return { category: byCode, method: 'code' };
  }
  // A code alone is one body's ledger code: another body's choice for the same code says nothing.
  const learned = wordsGiven ? known.confirmed(label.value) : undefined;
  if (learned) return { category: learned, method: 'learned' };
  if (label.kind === 'expenseType' && label.code) {
    const ledger = known.sameLedgerCode();
    if (ledger) return { category: ledger, method: 'ledger' };
  }
  const byRule = label.kind === 'categoryLabel' ? categoryOfWords(label.value) : categoryByRule(label.value);
  return byRule && { category: byRule, method: 'rule' };
}
