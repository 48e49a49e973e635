import { type Service, SERVICES } from './services.js';

/**
 * Finding the bodies and partnerships a piece of news names, as people write them: "Rochdale MBC"
 * for Rochdale Metropolitan Borough Council, "Northants CC" for Northamptonshire County Council,
 * "Devon CC", "Dover DC", "Walsall Metropolitan BC". Suggestions only: an editor confirms them.
 */

export interface Named {
  key: string;
  name: string;
  altNames?: string[];
}

/** The kinds of council as their names end, with the short forms the press uses for each. */
const SUFFIXES: [string, string[]][] = [
  ['metropolitan borough council', ['mbc', 'metropolitan bc', 'council']],
  ['county borough council', ['cbc', 'council']],
  ['county council', ['cc', 'council']],
  ['city council', ['cc', 'council', 'city']],
  ['district council', ['dc', 'council']],
  ['borough council', ['bc', 'council']],
];

/** Counties' customary short forms (Northants, Lancs, Worcs…). */
const COUNTY_SHORT: Record<string, string> = {
  bedfordshire: 'beds',
  berkshire: 'berks',
  buckinghamshire: 'bucks',
  cambridgeshire: 'cambs',
  gloucestershire: 'glos',
  hampshire: 'hants',
  hertfordshire: 'herts',
  lancashire: 'lancs',
  leicestershire: 'leics',
  lincolnshire: 'lincs',
  northamptonshire: 'northants',
  nottinghamshire: 'notts',
  oxfordshire: 'oxon',
  staffordshire: 'staffs',
  wiltshire: 'wilts',
  worcestershire: 'worcs',
  yorkshire: 'yorks',
};

/** Lower case, words only, single spaces: "Rochdale M.B.C." and "rochdale mbc" compare equal. */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/(?<=\b[a-z])\.(?=[a-z]\.)/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Every way a body's name might be written: the name, its other names, and press short forms. */
export function aliasesOf(name: string): string[] {
  const full = normalise(name);
  const aliases = new Set([full]);
  for (const [suffix, shorts] of SUFFIXES) {
    if (!full.endsWith(` ${suffix}`)) continue;
    const place = full.slice(0, -suffix.length - 1);
    const places = [place, ...(COUNTY_SHORT[place] ? [COUNTY_SHORT[place]] : [])];
    for (const p of places) for (const s of shorts) aliases.add(`${p} ${s}`);
    break;
  }
  const london = /^london borough of (.+)$/.exec(full)?.[1];
  if (london) aliases.add(`${london} council`).add(`lb ${london}`);
  const cityOf = /^city of (.+) council$/.exec(full)?.[1];
  if (cityOf) aliases.add(`${cityOf} council`);
  return [...aliases];
}

/** The keys of the named things the text mentions, each once, in the order given. */
export function findMentions(text: string, named: Named[]): string[] {
  const haystack = ` ${normalise(text)} `;
  return named
    .filter((n) =>
      [n.name, ...(n.altNames ?? [])].some((name) =>
        aliasesOf(name).some((a) => haystack.includes(` ${a} `)),
      ),
    )
    .map((n) => n.key);
}

/** Words in the news that point to a service (normalised, whole words). */
const SERVICE_WORDS: Partial<Record<Service, string[]>> = {
  education: ['education', 'school', 'schools'],
  social_care_adults: ['adult social care', 'adult care', 'social care'],
  social_care_children: ['children s services', 'children s social care', 'children s disability'],
  public_health: ['public health', 'nhs', 'health and social care'],
  housing: ['housing'],
  benefits: ['benefits', 'revenues'],
  payroll: ['payroll'],
  finance: ['finance', 'back office', 'back office services'],
  hr: ['human resources', 'hr'],
  recruitment: ['recruitment'],
  it: ['ict', 'erp', 'it services', 'it system'],
  legal: ['legal'],
  audit: ['audit', 'auditors'],
  procurement: ['procurement', 'joint buying', 'purchasing'],
  property: ['property', 'estates'],
  trading_standards: ['trading standards'],
  environmental_health: ['environmental health'],
  licensing: ['licensing'],
  waste: ['waste', 'refuse', 'rubbish', 'recycling'],
  fleet: ['fleet'],
  parks: ['parks', 'open spaces'],
  highways: ['highways'],
  planning: ['planning'],
  economic_development: ['economic development'],
  libraries: ['libraries', 'library'],
  community_safety: ['community safety', 'domestic violence'],
  emergency_services: ['fire and rescue', 'fire service', 'fire services', 'police', 'blue light'],
  customer_services: ['customer services', 'contact centre'],
  management: ['chief executive', 'joint management', 'senior management'],
};

/** The services the text is about, by the words used for them, in the services' own order. */
export function findServices(text: string): Service[] {
  const haystack = ` ${normalise(text)} `;
  return (Object.keys(SERVICES) as Service[]).filter((s) =>
    (SERVICE_WORDS[s] ?? []).some((w) => haystack.includes(` ${w} `)),
  );
}

const MULTIPLIERS: Record<string, number> = { k: 1e3, m: 1e6, million: 1e6, bn: 1e9, billion: 1e9 };
const AMOUNT = String.raw`£\s?(\d[\d,]*(?:\.\d+)?)\s?(bn|billion|m|million|k)?\b`;
const SAVING = new RegExp(
  String.raw`\bsav(?:e|es|ed|ing|ings)\b[^£.]{0,40}?${AMOUNT}|${AMOUNT}\s+(?:of\s+|in\s+)?savings?\b`,
  'gi',
);

/** Savings figures the text states ("save £1.3m", "savings of more than £72 million"), in pence. */
export function savingsFigures(text: string): { amountPence: number; phrase: string }[] {
  return [...text.matchAll(SAVING)].map((m) => {
    const [number, unit] = m[1] !== undefined ? [m[1], m[2]] : [m[3] as string, m[4]];
    const pounds = Number(number.replaceAll(',', '')) * (MULTIPLIERS[unit?.toLowerCase() ?? ''] ?? 1);
    return { amountPence: Math.round(pounds * 100), phrase: m[0].trim() };
  });
}
