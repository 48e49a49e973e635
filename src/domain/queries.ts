import { z } from 'zod';
import { EXCLUSION_REASONS } from '../domain/addressable.js';
import { BODY_KINDS, NATIONS } from '../domain/bodies.js';
import { category } from '../domain/categories.js';
import { oneOf } from '../domain/codes.js';
import { PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, PROJECT_STAGES } from '../domain/partnerships.js';
import { SERVICES } from '../domain/services.js';

/** Query strings shared by pages, the API and the command line: a blank value means "no filter". */
const blank = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());

export const paging = z.object({
  page: optional(z.coerce.number().int().min(1, { message: 'page starts at 1' })).transform((v) => v ?? 1),
  perPage: optional(z.coerce.number().int().min(1).max(200, { message: 'perPage is at most 200' })).transform(
    (v) => v ?? 50,
  ),
});

export const bodyQuery = paging.extend({
  q: optional(z.string().max(200)),
  kind: optional(oneOf(BODY_KINDS, 'Unknown kind of body')),
  nation: optional(z.enum(NATIONS)),
  region: optional(z.string().max(100)),
  status: optional(z.enum(['current', 'former'])),
});

export const partnershipQuery = paging.extend({
  q: optional(z.string().max(200)),
  kind: optional(oneOf(PARTNERSHIP_KINDS, 'Unknown kind of partnership')),
  service: optional(oneOf(SERVICES, 'Unknown service')),
  region: optional(z.string().max(100)),
  status: optional(oneOf(PARTNERSHIP_STATUSES, 'Unknown status')),
  member: optional(z.string().max(12)),
});

export const projectQuery = z.object({
  partnership: optional(z.string().max(80)),
  body: optional(z.string().max(12)),
  stage: optional(oneOf(PROJECT_STAGES, 'Unknown stage')),
  service: optional(oneOf(SERVICES, 'Unknown service')),
});

/**
 * A record's number, from a path, a form or JSON: digits, or a whole number in the database's integer
 * range. Not true, [1] or "1e0", which a plain coercion would take for 1.
 */
export const recordNumber = (message: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d{1,10}\s*$/.test(v) ? Number(v) : v),
    z
      .number({ message })
      .int({ message })
      .positive({ message })
      .max(2_147_483_647, { message: `${message}: none is so large` }),
  );

export const projectId = z.coerce.number().int().positive({ message: 'A project number is a whole number' });

export const spendImportId = z.coerce
  .number({ message: 'An import number is a whole number' })
  .int({ message: 'An import number is a whole number' })
  .positive({ message: 'An import number is a whole number' })
  // Import numbers are PostgreSQL integers: a larger one names no import.
  .max(2_147_483_647, { message: 'No import has so large a number' });

export const supplierQuery = paging.extend({
  q: optional(z.string().max(200)),
  body: optional(z.string().max(12)),
});

export const supplierId = z.coerce
  .number()
  .int()
  .positive({ message: 'A supplier number is a whole number' });

/** A person's answer about two payee names, or a merge or split of suppliers. */
export const supplierDecision = z.object({
  a: recordNumber('A payee number is a whole number'),
  b: recordNumber('A payee number is a whole number'),
  same: z.preprocess((v) => (v === 'yes' ? true : v === 'no' ? false : v), z.boolean()),
});
/** Which opportunity's evidence: a supplier paid by several bodies, or a category they all buy. */
export const opportunityEvidence = z.object({
  category: optional(z.string().max(10)),
  supplier: optional(supplierId),
});
export const supplierMerge = z.object({
  into: recordNumber('Give the number of the supplier to merge into'),
});
export const supplierSplit = z.object({ payeeId: recordNumber('A payee number is a whole number') });

export const categoryChoice = z.object({
  body: z.string().trim().min(1).max(12),
  labelId: recordNumber('An expense type number is a whole number'),
  category: category,
});
export const categoryQuery = z.object({ body: optional(z.string().max(12)) });

/** A person's decision on a payee's or expense type's spend: "addressable", or the reason it is not. */
export const exclusionChoice = z.object({
  subject: z.enum(['payee', 'label'], { message: 'Say whether it is a payee or an expense type' }),
  id: recordNumber('A payee or expense type number is a whole number'),
  reason: oneOf(
    { addressable: 'Addressable', ...EXCLUSION_REASONS },
    'Choose addressable or a reason it is not',
  ).transform((r) => (r === 'addressable' ? null : r)),
});
export const exclusionQuery = z.object({
  body: optional(z.string().max(12)),
  show: optional(z.enum(['excluded', 'addressable'])).transform((v) => v ?? 'excluded'),
});

export const businessCaseId = z.coerce
  .number()
  .int()
  .positive({ message: 'A business case number is a whole number' });

const blankAsNone = (v: unknown) => (v === '' ? undefined : v);
/** Which prices a benefits plan's figures are in: a year's, by a loaded price index (its CDID). */
export const pricesQuery = z.object({
  prices: z
    .preprocess(blankAsNone, z.coerce.number().int().min(1900).max(2100).optional())
    .describe('The year whose prices spend is restated in; the latest whole year of the index by default'),
  series: z
    .preprocess(blankAsNone, z.string().trim().toUpperCase().max(12).optional())
    .describe('The price index, by its CDID (D7BT); the first loaded by default'),
});
