import { z } from 'zod';
import { bodyCode } from './bodies.js';
import { isoDate } from './dates.js';
import { oneOf } from './codes.js';
import { SERVICES } from './services.js';

/** The collaboration spectrum, from the loosest arrangement to the tightest. */
export const PARTNERSHIP_KINDS = {
  informal_cooperation: 'Informal co-operation',
  joint_procurement: 'Joint procurement',
  shared_service: 'Shared service',
  shared_management: 'Shared management or chief executive',
  joint_committee: 'Joint committee',
  joint_venture: 'Joint venture or company',
  merger: 'Merger',
} as const;
export type PartnershipKind = keyof typeof PARTNERSHIP_KINDS;

export const PARTNERSHIP_STATUSES = {
  proposed: 'Proposed',
  active: 'Active',
  ended: 'Ended',
  abandoned: 'Abandoned',
} as const;

export const MEMBER_ROLES = { lead: 'Lead', member: 'Member', associate: 'Associate' } as const;
export type MemberRole = keyof typeof MEMBER_ROLES;

export const GOVERNANCE_ROLES = {
  chair: 'Chair',
  member: 'Steering group member',
  secretariat: 'Secretariat',
  project_manager: 'Project manager',
} as const;

/** A project's life, in order; a project moves forward through these. */
export const PROJECT_STAGES = {
  idea: 'Idea',
  feasibility: 'Feasibility',
  business_case: 'Business case',
  approved: 'Approved',
  implementing: 'Implementing',
  live: 'Live',
  closed: 'Closed',
} as const;
export type ProjectStage = keyof typeof PROJECT_STAGES;

export const SAVINGS_STATUSES = { claimed: 'Claimed', verified: 'Verified' } as const;

const pence = z
  .number({ message: 'Enter an amount in pence' })
  .int()
  .min(0, { message: 'Amount cannot be negative' });
const text = (max: number) => z.string().trim().max(max);

export const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
    message: 'Use lower-case letters, digits and hyphens, like agma-cooperation',
  })
  .max(80);

/** "AGMA co-operation (2002)" → "agma-co-operation-2002" */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

export const memberInput = z.object({
  bodyCode,
  role: oneOf(MEMBER_ROLES, 'Choose lead, member or associate').default('member'),
});
export type MemberInput = z.output<typeof memberInput>;

export const governanceRoleInput = z.object({
  person: text(120).min(2, { message: 'Enter the person’s name or post' }),
  role: oneOf(GOVERNANCE_ROLES, 'Choose chair, member, secretariat or project manager'),
  bodyCode: bodyCode.optional(),
  expertise: text(200).optional(),
});

export const fundingAwardInput = z.object({
  scheme: text(200).min(2, { message: 'Enter the funding scheme' }),
  amountPence: pence,
  year: z.number().int().min(1900).max(2100, { message: 'Enter a year like 2014' }),
  bodyCode: bodyCode.optional(),
});

export const savingsClaimInput = z.object({
  amountPence: pence,
  period: text(100).min(1, {
    message: 'Enter the period the saving covers, like "2011 to 2014" or "per year"',
  }),
  description: text(500).default(''),
  sourceUrl: z
    .url({ protocol: /^https?$/, message: 'Enter a web address starting with http:// or https://' })
    .optional(),
  status: oneOf(SAVINGS_STATUSES, 'Choose claimed or verified').default('claimed'),
  /** Seen only by the partnership's members: figures not yet agreed for publication. */
  confidential: z.boolean().default(false),
});

export const partnershipFields = z.object({
  slug: slug.optional(),
  name: text(200).min(3, { message: 'Enter the partnership’s name' }),
  kind: oneOf(PARTNERSHIP_KINDS, 'Choose where the partnership sits on the collaboration spectrum'),
  status: oneOf(PARTNERSHIP_STATUSES, 'Choose a status').default('active'),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
  description: text(5000).default(''),
  services: z.array(oneOf(SERVICES, 'Choose services from the list')).default([]),
  members: z.array(memberInput).default([]),
  governance: z.array(governanceRoleInput).default([]),
  fundingAwards: z.array(fundingAwardInput).default([]),
  savingsClaims: z.array(savingsClaimInput).default([]),
});

/** Rules across fields, shared by every schema built on the partnership's fields. */
export function checkPartnership(p: z.output<typeof partnershipFields>, ctx: z.RefinementCtx) {
  if (p.startDate && p.endDate && p.endDate < p.startDate) {
    ctx.addIssue({
      code: 'custom',
      path: ['endDate'],
      message: 'The end date must be on or after the start date',
    });
  }
  const seen = new Set<string>();
  p.members.forEach((m, i) => {
    if (seen.has(m.bodyCode)) {
      ctx.addIssue({
        code: 'custom',
        path: ['members', i, 'bodyCode'],
        message: `${m.bodyCode} is listed twice`,
      });
    }
    seen.add(m.bodyCode);
  });
}

export const partnershipInput = partnershipFields.superRefine(checkPartnership);
export type PartnershipInput = z.output<typeof partnershipInput>;

export const projectInput = z.object({
  name: text(200).min(3, { message: 'Enter the project’s name' }),
  service: oneOf(SERVICES, 'Choose the service'),
  leadBodyCode: bodyCode.optional(),
  stage: oneOf(PROJECT_STAGES, 'Choose the stage').default('idea'),
  description: text(5000).default(''),
  /** A draft is seen only by the partnership's members until they publish it. */
  draft: z.boolean().default(false),
});
export type ProjectInput = z.output<typeof projectInput>;

export interface Project extends ProjectInput {
  id: number;
  partnershipSlug: string;
  partnershipName: string;
  leadBodyName?: string;
  updatedAt: string;
}

export interface Member extends MemberInput {
  bodyName: string;
  region?: string;
}

export type Partnership = Omit<PartnershipInput, 'members' | 'slug'> & {
  slug: string;
  members: Member[];
  projects: Project[];
  updatedAt: string;
};

/** A partnership's region: the one all its members share, or "Several regions". */
export function regionOf(members: { region?: string }[]): string | undefined {
  const regions = new Set(members.map((m) => m.region).filter(Boolean));
  if (regions.size === 0) return undefined;
  return regions.size === 1 ? [...regions][0] : 'Several regions';
}

/** Savings in pence by status: what partners claim and what has been checked. */
export function savingsTotals(claims: { amountPence: number; status: string }[]) {
  const totals = { claimed: 0, verified: 0 };
  for (const c of claims) totals[c.status === 'verified' ? 'verified' : 'claimed'] += c.amountPence;
  return totals;
}

/** A stored partnership in the shape partnershipInput accepts, for edits that change only part of it. */
export function partnershipToInput(p: Partnership): PartnershipInput {
  return {
    slug: p.slug,
    name: p.name,
    kind: p.kind,
    status: p.status as PartnershipInput['status'],
    startDate: p.startDate,
    endDate: p.endDate,
    description: p.description,
    services: p.services,
    members: p.members.map(({ bodyCode, role }) => ({ bodyCode, role })),
    governance: p.governance.map(({ person, role, bodyCode, expertise }) => ({
      person,
      role,
      bodyCode,
      expertise,
    })),
    fundingAwards: p.fundingAwards.map(({ scheme, amountPence, year, bodyCode }) => ({
      scheme,
      amountPence,
      year,
      bodyCode,
    })),
    savingsClaims: p.savingsClaims,
  };
}
