/**
 * Supplier names as councils write them, reduced to what identifies the supplier. "ACME (UK) LTD",
 * "Acme Limited" and "The Acme Ltd - Rent 2" all become "ACME".
 */

/** Legal forms say what kind of company, not which: dropped wherever they stand. */
const LEGAL_FORMS = new Set([
  'LTD',
  'LIMITED',
  'PLC',
  'LLP',
  'LLC',
  'CIC',
  'CIO',
  'INC',
  'INCORPORATED',
  'CO',
  'UK',
]);

/** Abbreviations councils' finance systems use, written out so both spellings meet. */
const ABBREVIATIONS: Record<string, string> = {
  SVCS: 'SERVICES',
  SVC: 'SERVICE',
  SERV: 'SERVICES',
  SERVS: 'SERVICES',
  ASSOC: 'ASSOCIATION',
  ASSN: 'ASSOCIATION',
  MGT: 'MANAGEMENT',
  MGMT: 'MANAGEMENT',
  INTL: 'INTERNATIONAL',
  EDUC: 'EDUCATION',
  TRNG: 'TRAINING',
  GTR: 'GREATER',
  MCR: 'MANCHESTER',
  ACAD: 'ACADEMY',
  SCH: 'SCHOOL',
  CTR: 'CENTRE',
  CENTER: 'CENTRE',
  HSG: 'HOUSING',
  DEPT: 'DEPARTMENT',
  GRP: 'GROUP',
  NATL: 'NATIONAL',
  CONSTR: 'CONSTRUCTION',
  COMPANY: 'CO',
  SOLNS: 'SOLUTIONS',
  LRNG: 'LEARNING',
  LEARN: 'LEARNING',
};

/** Legal forms after which any further words name an account or site: "Aspris Ltd Arden College". */
const ENDS_NAME = new Set(['LTD', 'LIMITED', 'PLC', 'LLP']);
/** Words that carry a name on past "Trust": "Heritage Trust of Lincolnshire". */
const LINKS = new Set(['OF', 'FOR', 'IN', 'AND', 'THE', 'LTD', 'LIMITED']);
/** What is left of LIMITED when a name is cut at a field width. */
const CUT_LIMITED = new Set(['LT', 'LIM', 'LIMI', 'LIMIT', 'LIMITE']);

/** "Acme Ltd T/A Acme Care": the legal name, then the name it trades under. */
const TRADING_AS = /\s(?:T\/AS?:?|TRADING AS)\s*|\sTA\s/i;
/** "Jo Smith C/O Acme": the part after C/O is where to send it, not who. */
const CARE_OF = /\s(?:C\/O|CARE OF)\s.*$/i;
/** A bracketed part: "(Rent)", "(UK)", "(Specialist Computer Centres plc)". */
const BRACKET = /\(([^)]*)\)?/g;
/** An account or site qualifier after a spaced dash: "- Perm Placements". */
const DASH_QUALIFIER = /\s[-–—]\s.*$/;
/** A bare number or reference at the end: "2", "#1234", "Acc 5521". */
const TRAILING_REFERENCE = /(?:\s+(?:NO\.?|REF\.?|ACC(?:OUNT)?\.?|#)?\s*[A-Z]{0,3}\d[\d/-]*)+$/i;

export interface SupplierName {
  /** The name as written. */
  name: string;
  /** The identifying words, in order: what names are compared by. */
  key: string;
  /** Keys of other names it gives: the name it trades under ("T/A"), a company named in brackets. */
  otherKeys: string[];
  /** The initials it is written as, when its name is an acronym written so it cannot be a word: "TfGM", "L&Q". */
  acronym?: string;
}

/** An acronym no one would read as a word: capitals with a small letter inside ("TfGM"), or joined by "&" ("L&Q"). */
const ACRONYM = /^(?:[A-Z]+[a-z][A-Z][A-Za-z]*|[A-Z](?:&[A-Z])+)$/;
/** Small words an acronym may or may not spell: "Transport for Greater Manchester" is TfGM, "London & Quadrant" L&Q. */
const SMALL_WORDS = new Set(['AND', 'OF', 'FOR', 'THE', 'IN']);

/** The initials a key's words spell, with and without its small words. */
export function initials(key: string): string[] {
  const words = key.split(' ');
  // A key of single letters ("L AND Q") is an acronym itself, not words an acronym spells.
  if (words.length < 2 || words.every((w) => w.length === 1 || SMALL_WORDS.has(w))) return [];
  const all = words.map((w) => w[0]).join('');
  const big = words
    .filter((w) => !SMALL_WORDS.has(w))
    .map((w) => w[0])
    .join('');
  return [...new Set([all, big])].filter((i) => i.length >= 2);
}

/** Words of a name in capitals without accents or punctuation; dots and apostrophes join ("I.E." is "IE"). */
function words(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toUpperCase()
      .replace(/&/g, ' AND ')
      .replace(/\+/g, ' AND ')
      // "Pre-school", "HC-One", "M/cr" and "I.E." are one word each; "Trust-Pioneer" is two.
      .replace(/\b(\p{L}{1,3})-(\p{L})|(\p{L})-(\p{L}{1,3})\b/gu, (_, a, b, c, d) => (a ? a + b : c + d))
      .replace(/\b(\p{L}{1,3})\/(\p{L}{1,3})\b/gu, '$1$2')
      .replace(/['’‘`.]/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
      .split(' ')
      .filter(Boolean)
  );
}

const isLegalForm = (word: string | undefined) =>
  word !== undefined && (LEGAL_FORMS.has(word.toUpperCase()) || word.toUpperCase() === 'TRUST');

/**
 * The identifying words of one name (without any trading-as part). A bracket before a legal form is
 * part of the registered name ("Croftwood Care (Cheshire) Ltd"); any other is a qualifier of the
 * account or site ("HC-One Ltd (Avalon Park)"), though one that names a company gives another key.
 */
function keyOf(text: string, otherKeys: string[]): string {
  let bare = text.replace(CARE_OF, '').replace(BRACKET, (_, inside: string, at: number, whole: string) => {
    const next = whole
      .slice(at)
      .replace(/^\([^)]*\)?/, '')
      .trim()
      .split(/[\s.,]/)[0];
    if (isLegalForm(next)) return ` ${inside} `;
    if (isLegalForm(words(inside).at(-1)) && words(inside).length > 1) otherKeys.push(keyOf(inside, []));
    return ' ';
  });
  bare = bare
    .replace(DASH_QUALIFIER, (tail) => {
      // "Rossendale Sch - Aspris Child Svcs": a tail of several words may be the company itself.
      if (words(tail).length >= 3) otherKeys.push(keyOf(tail.replace(/^\s*[-–—]\s*/, ''), []));
      return '';
    })
    .replace(TRAILING_REFERENCE, '');
  // A name that is all qualifier ("(Rent)") keeps its words rather than becoming nothing.
  const all = words(words(bare).length ? bare : text).map((w) => ABBREVIATIONS[w] ?? w);
  // After a legal form, or after "Trust" not followed by "of"/"for", the words name a site or account:
  // "Aspris Ltd Arden College", "Prospere Learning Trust Piper Hill School".
  const end = all.findIndex(
    (w, i) =>
      i > 0 &&
      (ENDS_NAME.has(w) ||
        (w === 'TRUST' && i > 1 && i < all.length - 1 && !LINKS.has(all[i + 1] as string))),
  );
  const named = end > 0 ? all.slice(0, all[end] === 'TRUST' ? end + 1 : end) : all;
  // A name cut at a field width ends in part of a word: "Limi", or one letter of the next word.
  if (CUT_LIMITED.has(named.at(-1) as string)) named.pop();
  if (text.length >= 30 && named.length > 2 && (named.at(-1) as string).length <= 2) named.pop();
  const list = named.filter((w, _, list) => !(LEGAL_FORMS.has(w) && list.length > 1));
  if (list[0] === 'THE' && list.length > 1) list.shift();
  // What is left of "& Co" endings; "Trading" in "British Gas Trading Ltd" says nothing of who.
  while (list.length > 1 && (list.at(-1) === 'AND' || list.at(-1) === 'TRADING')) list.pop();
  return list.join(' ');
}

export function supplierName(name: string): SupplierName {
  // Ten thousand characters of name identify nothing that two hundred do not.
  const text = name.slice(0, 200).replace(/\s+/g, ' ').trim();
  const [legal, trading] = text.split(TRADING_AS, 2);
  const otherKeys: string[] = [];
  const key = keyOf(legal ?? '', otherKeys);
  // "Classic Care Homes (Devon)" may be how a ledger writes "Classic Care Homes (Devon) Limited".
  const last = /\(([^)]*)\)\s*$/.exec(legal ?? '');
  if (last) otherKeys.push(keyOf((legal ?? '').slice(0, last.index) + ' ' + last[1], []));
  if (trading) otherKeys.push(keyOf(trading, otherKeys));
  const acronym = (legal ?? '').trim().split(' ').length === 1 && ACRONYM.test((legal ?? '').trim());
  return {
    name,
    key,
    otherKeys: otherKeys.filter((k) => k && k !== key),
    ...(acronym ? { acronym: (legal ?? '').replace(/&/g, '').toUpperCase() } : {}),
  };
}

/**
 * OpenRefine's fingerprint key: lower case, punctuation removed, words sorted and deduplicated.
 * The baseline resolution is judged against: names with equal fingerprints are the same supplier.
 */
export function fingerprint(name: string): string {
  return [
    ...new Set(
      name
        .trim()
        .toLowerCase()
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .replace(/[^\p{L}\p{N}\s]/gu, '')
        .split(/\s+/)
        .filter(Boolean),
    ),
  ]
    .sort()
    .join(' ');
}
