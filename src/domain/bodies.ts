import { z } from 'zod';
import { oneOf } from './codes.js';
import { isoDate, today } from './dates.js';

/** The kinds of public body Pathfinder knows, with the words used on screen. */
export const BODY_KINDS = {
  county: 'County council',
  district: 'District council',
  unitary: 'Unitary authority',
  metropolitan_district: 'Metropolitan district',
  london_borough: 'London borough',
  city_corporation: 'City corporation',
  welsh_council: 'Welsh council',
  scottish_council: 'Scottish council',
  northern_ireland_council: 'Northern Irish council',
  police: 'Police body',
  fire: 'Fire and rescue authority',
  combined_authority: 'Combined authority',
  transport_authority: 'Transport authority',
  nhs: 'NHS body',
  other: 'Other public body',
} as const;
export type BodyKind = keyof typeof BODY_KINDS;

export const NATIONS = ['England', 'Wales', 'Scotland', 'Northern Ireland'] as const;
export type Nation = (typeof NATIONS)[number];

/** The English regions and the three other nations, as the ONS names them. */
export const REGIONS = [
  'North East',
  'North West',
  'Yorkshire and The Humber',
  'East Midlands',
  'West Midlands',
  'East of England',
  'London',
  'South East',
  'South West',
  'Wales',
  'Scotland',
  'Northern Ireland',
] as const;

/**
 * A body's code: its ONS GSS code where one exists (E08000005), otherwise the
 * short code it has in the local-authority register (NIR-A) or in Pathfinder (GMPA): two capital
 * letters first, so that a mistyped GSS code (E0800) is refused rather than taken for a short code.
 */
export const BODY_CODE = /^(?:[EWSNK]\d{8}|[A-Z]{2}[A-Z0-9-]{0,10})$/;
export const bodyCode = z.string().trim().toUpperCase().regex(BODY_CODE, {
  message: 'Enter an ONS GSS code like E08000005, or a short code of capital letters like GMPA',
});

export function isGssCode(code: string): boolean {
  return /^[EWSNK]\d{8}$/.test(code);
}

const optionalText = z.string().trim().max(200).optional();

export const bodyInput = z
  .object({
    code: bodyCode,
    registryCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(BODY_CODE, {
        message: 'A local-authority register code is in capital letters, like RCH',
      })
      .optional(),
    name: z.string().trim().min(2, { message: 'Enter the body’s name' }).max(200),
    kind: oneOf(BODY_KINDS, 'Choose the kind of body'),
    nation: z.enum(NATIONS, { message: 'Choose England, Wales, Scotland or Northern Ireland' }),
    region: optionalText,
    parentCode: bodyCode.optional(),
    population: z
      .number({ message: 'Enter the population as a whole number' })
      .int({ message: 'Enter the population as a whole number' })
      .min(0, { message: 'Population cannot be negative' })
      .max(100_000_000, { message: 'Population must be under 100 million' })
      .optional(),
    startDate: isoDate.optional(),
    endDate: isoDate.optional(),
    /** The centre of the body's area, in degrees; left out, the one stored stays. */
    latitude: z
      .number({ message: 'Enter the latitude in degrees' })
      .min(49, { message: 'The latitude is not in the UK (49 to 61)' })
      .max(61, { message: 'The latitude is not in the UK (49 to 61)' })
      .optional(),
    longitude: z
      .number({ message: 'Enter the longitude in degrees' })
      .min(-9, { message: 'The longitude is not in the UK (-9 to 2)' })
      .max(2, { message: 'The longitude is not in the UK (-9 to 2)' })
      .optional(),
    // Lists left out are left as they are, so a file without neighbours keeps the ones stored.
    successorCodes: z.array(bodyCode).optional(),
    neighbourCodes: z.array(bodyCode).optional(),
    altNames: z.array(z.string().trim().min(1).max(200)).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.startDate && body.endDate && body.endDate < body.startDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['endDate'],
        message: 'The end date must be on or after the start date',
      });
    }
    if ((body.latitude === undefined) !== (body.longitude === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [body.latitude === undefined ? 'latitude' : 'longitude'],
        message: 'Give both the latitude and the longitude, or neither',
      });
    }
    if (body.parentCode === body.code) {
      ctx.addIssue({ code: 'custom', path: ['parentCode'], message: 'A body cannot be its own parent' });
    }
    for (const list of ['successorCodes', 'neighbourCodes'] as const) {
      if (body[list]?.includes(body.code)) {
        ctx.addIssue({ code: 'custom', path: [list], message: 'A body cannot list itself' });
      }
    }
  });
export type BodyInput = z.output<typeof bodyInput>;

export interface BodyRef {
  code: string;
  name: string;
}

export interface Body extends Omit<
  BodyInput,
  'parentCode' | 'successorCodes' | 'neighbourCodes' | 'altNames'
> {
  altNames: string[];
  parent?: BodyRef;
  successors: BodyRef[];
  neighbours: BodyRef[];
  updatedAt: string;
}

/** A body is current until the day after its end date. */
/**
 * A body's name where space is tight, as people say it: "Oxford" for Oxford City Council, "Camden"
 * for London Borough of Camden. Bodies that are not councils keep their names.
 */
export function shortBodyName(name: string): string {
  const borough = /^(london|royal) borough of /i;
  if (borough.test(name)) return name.replace(borough, '').replace(/\s+council$/i, '');
  if (!/council$/i.test(name.trim())) return name;
  const short = name
    .replace(/^(the )?(city and county|city|county borough|borough council|council) of (the )?/i, '')
    .replace(/^the /i, '')
    .replace(
      /\s+((metropolitan|county) borough|metropolitan district|city and district|borough|city|county|district)?\s*council$/i,
      '',
    )
    .trim();
  return short || name;
}

export function isCurrent(body: { endDate?: string | undefined }, on = today()): boolean {
  return !body.endDate || body.endDate >= on;
}

/** A stored body in the shape bodyInput accepts, for edits that change only part of it. */
export function bodyToInput(body: Body): BodyInput {
  const { parent, successors, neighbours, updatedAt, ...own } = body;
  return {
    ...own,
    ...(parent ? { parentCode: parent.code } : {}),
    successorCodes: successors.map((s) => s.code),
    neighbourCodes: neighbours.map((n) => n.code),
  };
}
