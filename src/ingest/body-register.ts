import Papa from 'papaparse';
import { type BodyInput, type BodyKind, bodyInput } from '../domain/bodies.js';
import { InputError, type Problem } from '../domain/errors.js';
import { problemsOf } from '../domain/validation.js';

/**
 * Reads the local-authority register published by mySociety (uk_local_authorities.csv).
 * Columns read — every other column is ignored:
 *   local-authority-code  register code (RCH), kept as the body's registry code
 *   gss-code              ONS GSS code (E08000005), the body's code; the register code stands in when blank
 *   official-name         the body's name
 *   local-authority-type  CTY, NMD, MD, UA, LBO, CC, SCO, WPA, NID, COMB, SRA → the body's kind
 *   nation, region        as published; a blank region is left blank
 *   county-la             a district's county (register code) → the body's parent
 *   replaced-by           successors (register codes, comma-separated)
 *   start-date, end-date  ISO dates
 *   pop-2020              population, rounded to a whole number
 *   alt-names             other names (comma-separated), used to recognise the body in files and news
 *   lat, long             the centre of its area, where the file has these columns (for distances)
 */
export const REGISTER_COLUMNS = [
  'local-authority-code',
  'gss-code',
  'official-name',
  'local-authority-type',
  'nation',
  'region',
  'county-la',
  'replaced-by',
  'start-date',
  'end-date',
  'pop-2020',
  'alt-names',
] as const;
type RegisterRow = Record<(typeof REGISTER_COLUMNS)[number], string> & { lat?: string; long?: string };

const KIND_OF_TYPE: Record<string, BodyKind> = {
  CTY: 'county',
  NMD: 'district',
  MD: 'metropolitan_district',
  UA: 'unitary',
  LBO: 'london_borough',
  CC: 'city_corporation',
  SCO: 'scottish_council',
  WPA: 'welsh_council',
  NID: 'northern_ireland_council',
  COMB: 'combined_authority',
  SRA: 'other',
};

export interface RegisterRecord {
  /** Row in the file, the header being row 1. */
  row: number;
  body: BodyInput;
}

/** Parses the whole file, or throws one InputError listing every bad row and field. */
export function readBodyRegister(text: string, file: string): RegisterRecord[] {
  const parsed = Papa.parse<RegisterRow>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: true,
    delimiter: ',',
  });
  const [broken] = parsed.errors;
  if (broken) {
    // Papa counts data rows from 0; the file's rows count from 1, the header being row 1.
    const at = broken.row === undefined ? {} : { row: broken.row + 2 };
    throw new InputError(
      `${file} is not a readable CSV file: ${broken.message}`,
      [{ ...at, field: '(whole row)', message: broken.message }],
      file,
    );
  }
  const rows = parsed.data;
  const header = rows.length ? Object.keys(rows[0] as object) : [];
  const missing = REGISTER_COLUMNS.filter((c) => !header.includes(c));
  if (!rows.length) throw new InputError('The file has no bodies in it', [], file);
  if (missing.length) {
    throw new InputError(
      'The file is not in the local-authority register format',
      missing.map((c) => ({ row: 1, field: c, message: 'This column is missing' })),
      file,
    );
  }
  const problems: Problem[] = [];
  const records: RegisterRecord[] = [];
  rows.forEach((r, i) => {
    const row = i + 2;
    const kind = KIND_OF_TYPE[r['local-authority-type']];
    if (!kind) {
      problems.push({
        row,
        field: 'local-authority-type',
        message: `Unknown type "${r['local-authority-type']}"`,
      });
      return;
    }
    const list = (value: string) =>
      value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
    const population = Number.parseFloat(r['pop-2020']);
    const [latitude, longitude] = [r.lat, r.long].map((v) => Number.parseFloat(v ?? ''));
    const name = r['official-name'].trim();
    const altNames = [...new Map(list(r['alt-names']).map((n) => [n.toLowerCase(), n])).values()].filter(
      // Names garbled by an earlier encoding mistake in the register would only mislead matching.
      (n) => n.toLowerCase() !== name.toLowerCase() && !/\uFFFD|ï¿½/.test(n),
    );
    const candidate = {
      code: r['gss-code'].trim() || r['local-authority-code'].trim(),
      registryCode: r['local-authority-code'].trim(),
      name,
      kind,
      nation: r.nation.trim(),
      region: r.region.trim() || undefined,
      parentCode: r['county-la'].trim() || undefined,
      population: Number.isFinite(population) ? Math.round(population) : undefined,
      ...(Number.isFinite(latitude) && Number.isFinite(longitude) ? { latitude, longitude } : {}),
      startDate: r['start-date'].trim() || undefined,
      endDate: r['end-date'].trim() || undefined,
      successorCodes: list(r['replaced-by']),
      altNames,
    };
    const parsed = bodyInput.safeParse(candidate);
    if (parsed.success) records.push({ row, body: parsed.data });
    else problems.push(...problemsOf(parsed.error, row).map((p) => ({ ...p, field: columnOf(p.field) })));
  });
  if (problems.length)
    throw new InputError(`${problems.length} problem(s) in the register file`, problems, file);
  return records;
}

/** Names the file's column rather than Pathfinder's field, since that is what the user can open. */
function columnOf(field: string): string {
  const columns: Record<string, string> = {
    code: 'gss-code',
    registryCode: 'local-authority-code',
    name: 'official-name',
    kind: 'local-authority-type',
    parentCode: 'county-la',
    population: 'pop-2020',
    latitude: 'lat',
    longitude: 'long',
    startDate: 'start-date',
    endDate: 'end-date',
  };
  const head = field.split('.')[0] ?? field;
  if (head === 'successorCodes') return 'replaced-by';
  if (head === 'altNames') return 'alt-names';
  return columns[head] ?? head;
}
