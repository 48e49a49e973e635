/**
 * Records made for a test, valid by the same schemas the app checks input with, each with a name
 * no other record has: a test states only what matters to it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../src/domain/access.js';
import { type BodyInput, bodyInput } from '../../src/domain/bodies.js';
import { partnershipInput } from '../../src/domain/partnerships.js';
import { checkBusinessCase } from '../../src/services/business-case.js';
import { hashPassword } from '../../src/services/secrets.js';
import { saveBody } from '../../src/store/bodies.js';
import { saveBusinessCase } from '../../src/store/business-cases.js';
import type { Sql } from '../../src/store/db.js';
import { savePartnership } from '../../src/store/partnerships.js';
import { saveUser, setPassword } from '../../src/store/users.js';

let made = 0;
/** A number no other record made in this process has. */
const unique = () => ++made;

export const PASSWORD = 'correct horse battery staple';

/** A district council in England, named and coded uniquely, with any fields given. */
export async function makeBody(db: Sql, fields: Partial<BodyInput> = {}): Promise<string> {
  const n = unique();
  const body = bodyInput.parse({
    code: `ZZ${n}`,
    name: `Test district ${n}`,
    kind: 'district',
    nation: 'England',
    successorCodes: [],
    neighbourCodes: [],
    altNames: [],
    ...fields,
  });
  await saveBody(db, body, { create: true });
  return body.code;
}

/** An active shared-service partnership of the bodies given (their codes), with any fields given. */
export async function makePartnership(
  db: Sql,
  memberCodes: string[],
  fields: Record<string, unknown> = {},
): Promise<string> {
  const input = partnershipInput.parse({
    name: `Test partnership ${unique()}`,
    kind: 'shared_service',
    members: memberCodes.map((bodyCode) => ({ bodyCode })),
    ...fields,
  });
  return (await savePartnership(db, input, { create: true })).slug;
}

export interface UserSpec {
  email: string;
  bodyCode?: string;
  role?: Role;
  siteAdmin?: boolean;
}

/** A user made straight in the store, with PASSWORD, for tests about something other than signing up. */
export async function makeUser(db: Sql, spec: UserSpec, password = PASSWORD): Promise<number> {
  const id = await saveUser(db, {
    email: spec.email,
    name: spec.email.split('@')[0] as string,
    bodyCode: spec.bodyCode,
    role: spec.role ?? 'viewer',
    siteAdmin: spec.siteAdmin ?? false,
    disabled: false,
  });
  await setPassword(db, id, await hashPassword(password));
  return id;
}

/**
 * Two demo partners sharing a revenues and benefits service (Wychavon and Malvern Hills; figures made
 * up), with any fields given: a business case as a form or the API would send it.
 */
export const SHARED_REVENUES_CASE = {
  name: 'Shared revenues and benefits',
  partnership: 'wychavon-malvern-hills-shared-chief-executive',
  partners: [
    { bodyCode: 'E07000238', baselinePence: 120_000_000 },
    { bodyCode: 'E07000235', baselinePence: 80_000_000 },
  ],
  runningPence: 170_000_000,
  oneOffs: [{ year: 1, kind: 'it', amountPence: 20_000_000 }],
  phasing: [50, 100],
  inflationPercent: 0,
  horizonYears: 5,
  discountPercent: 0,
  running: { method: 'population' },
  oneOff: { method: 'equal' },
};

/** SHARED_REVENUES_CASE with any fields changed, checked against the directory and stored; its number. */
export async function makeBusinessCase(db: Sql, fields: Record<string, unknown> = {}): Promise<number> {
  const { input } = await checkBusinessCase(db, { ...SHARED_REVENUES_CASE, ...fields });
  return saveBusinessCase(db, input);
}

/** A payment as a council publishes it: date as dd/mm/yyyy, amount in pounds as written. */
export interface PublishedPayment {
  date: string;
  supplier: string;
  amount: string;
}

/** A spend file in the simplest published layout (Date, Supplier, Amount), written into `folder`. */
export function writeSpendFile(folder: string, name: string, payments: PublishedPayment[]): string {
  const path = join(folder, name);
  const quoted = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = payments.map((p) => [p.date, p.supplier, p.amount].map(quoted).join(','));
  writeFileSync(path, ['Date,Supplier,Amount', ...lines, ''].join('\n'));
  return path;
}
