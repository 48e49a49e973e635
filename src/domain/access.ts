import { z } from 'zod';
import { bodyCode } from './bodies.js';
import { oneOf } from './codes.js';

/**
 * Who may see and change what. Public: the bodies directory, the register of partnerships, spend
 * and the opportunity finder. Private to a partnership's members: its business cases, draft
 * projects, confidential savings figures and notes. These rules are pure so that pages, the API
 * and the CLI ask the same questions and the tests can read them.
 */
export const ROLES = {
  viewer: 'Viewer',
  editor: 'Editor',
  administrator: 'Administrator',
} as const;
export type Role = keyof typeof ROLES;
const RANK: Record<Role, number> = { viewer: 0, editor: 1, administrator: 2 };

/** What an API token lets a script do on its user's behalf: never more than the user may. */
export const TOKEN_SCOPES = {
  read: 'Read private records of your partnerships',
  write: 'Change records you may edit',
} as const;
export type TokenScope = keyof typeof TOKEN_SCOPES;

/** A signed-in user, as the rules need them. */
export interface Account {
  id: number;
  email: string;
  name: string;
  bodyCode?: string;
  bodyName?: string;
  role: Role;
  siteAdmin: boolean;
}

/**
 * Who is asking: nobody (anonymous), or an account acting through a browser session (with all
 * of its rights) or through an API token (with the token's scopes).
 */
export type Viewer = (Account & { via: 'session' | 'token'; scopes: readonly TokenScope[] }) | undefined;

export const ALL_SCOPES = Object.keys(TOKEN_SCOPES) as TokenScope[];

const can = (viewer: Viewer, scope: TokenScope): viewer is NonNullable<Viewer> =>
  viewer !== undefined && viewer.scopes.includes(scope);
const atLeast = (viewer: NonNullable<Viewer>, role: Role) => RANK[viewer.role] >= RANK[role];

/** May read a partnership's private records: a user of a member body, or a site administrator. */
export function canReadPrivate(viewer: Viewer, memberCodes: readonly string[]): boolean {
  if (!can(viewer, 'read')) return false;
  return viewer.siteAdmin || (viewer.bodyCode !== undefined && memberCodes.includes(viewer.bodyCode));
}

/** May change a partnership's records: an editor of a member body, or a site administrator. */
export function canEditPartnership(viewer: Viewer, memberCodes: readonly string[]): boolean {
  if (!can(viewer, 'write')) return false;
  if (viewer.siteAdmin) return true;
  return atLeast(viewer, 'editor') && viewer.bodyCode !== undefined && memberCodes.includes(viewer.bodyCode);
}

/**
 * May change shared records: start a partnership, review supplier matches, confirm categories.
 * Any editor may; every change is in the audit trail.
 */
export function canEditShared(viewer: Viewer): boolean {
  return can(viewer, 'write') && (viewer.siteAdmin || atLeast(viewer, 'editor'));
}

/**
 * May record a partner's realised saving, given the viewer may edit the partnership: the partner's
 * own finance people (its users), or a site administrator. One partner does not vouch for another.
 */
export function canRecordSavingOf(viewer: Viewer, bodyCode: string): boolean {
  return viewer !== undefined && (viewer.siteAdmin || viewer.bodyCode === bodyCode);
}

/** May import a body's spend: its editors, or a site administrator. */
export function canEditBodySpend(viewer: Viewer, code: string): boolean {
  if (!can(viewer, 'write')) return false;
  return viewer.siteAdmin || (atLeast(viewer, 'editor') && viewer.bodyCode === code);
}

/** May add or change the directory of bodies and load whole registers: site administrators. */
export function canEditDirectory(viewer: Viewer): boolean {
  return can(viewer, 'write') && viewer.siteAdmin;
}

/** May compose and publish the weekly news summary's editions: site administrators, its editors. */
export function canPublishNews(viewer: Viewer): boolean {
  return can(viewer, 'write') && viewer.siteAdmin;
}

/**
 * May manage a body's users: its administrators, or a site administrator. Only a browser session
 * may: API tokens never manage accounts.
 */
export function canManageUsers(viewer: Viewer, code: string | undefined): boolean {
  if (!can(viewer, 'write') || viewer.via !== 'session') return false;
  return (
    viewer.siteAdmin || (viewer.role === 'administrator' && code !== undefined && viewer.bodyCode === code)
  );
}

/**
 * May change this person's account: an administrator of their body, unless they are a site
 * administrator, whose account only another site administrator may change.
 */
export function canManageUser(
  viewer: Viewer,
  user: { bodyCode?: string | undefined; siteAdmin: boolean },
): boolean {
  return canManageUsers(viewer, user.bodyCode) && (!user.siteAdmin || viewer?.siteAdmin === true);
}

/** May see the users page at all: administrators of a body (their own body's users) and site administrators. */
export function canManageSomeUsers(viewer: Viewer): boolean {
  return (
    can(viewer, 'write') && viewer.via === 'session' && (viewer.siteAdmin || viewer.role === 'administrator')
  );
}

/**
 * Whose changes a viewer may read in the audit trail: their partnerships' (as for private records),
 * and their body's accounts if they administer it.
 */
export function auditReader(viewer: Viewer): Membership & { administersBody: string | null } {
  return {
    ...membership(viewer),
    administersBody: viewer?.role === 'administrator' ? (viewer.bodyCode ?? null) : null,
  };
}

/** A body's administrator may grant any role up to administrator, but only a site administrator makes another. */
export function canGrantSiteAdmin(viewer: Viewer): boolean {
  return viewer?.siteAdmin === true && viewer.via === 'session';
}

/**
 * Whose private partnership records a viewer may read, in the form queries need: every
 * partnership's (site administrators), their own body's partnerships', or none.
 */
export interface Membership {
  all: boolean;
  bodyCode: string | null;
}
export const FULL_ACCESS: Membership = { all: true, bodyCode: null };
export const PUBLIC_ONLY: Membership = { all: false, bodyCode: null };

export function membership(viewer: Viewer): Membership {
  if (!can(viewer, 'read')) return PUBLIC_ONLY;
  return { all: viewer.siteAdmin, bodyCode: viewer.bodyCode ?? null };
}

export const email = z
  .string({ message: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter an email address in the correct format, like name@council.gov.uk' }));

/** Long enough to resist guessing; the NCSC advises length over composition rules. */
export const password = z
  .string({ message: 'Enter a password' })
  .min(12, { message: 'Password must be 12 characters or more' })
  .max(200, { message: 'Password must be 200 characters or fewer' });

export const userInput = z
  .object({
    email,
    name: z.string().trim().min(2, { message: 'Enter the person’s name' }).max(120),
    bodyCode: bodyCode.optional(),
    role: oneOf(ROLES, 'Choose viewer, editor or administrator').default('viewer'),
    siteAdmin: z.boolean().default(false),
    disabled: z.boolean().default(false),
  })
  .refine((u) => u.siteAdmin || u.bodyCode, {
    path: ['bodyCode'],
    message: 'Choose the body the person works for',
  });
export type UserInput = z.output<typeof userInput>;

export const signInInput = z.object({
  email,
  password: z.string().min(1, { message: 'Enter your password' }).max(200),
});

export const tokenInput = z.object({
  name: z.string().trim().min(2, { message: 'Name the token after the script that uses it' }).max(80),
  scopes: z
    .array(oneOf(TOKEN_SCOPES, 'Choose read or write'))
    .min(1, { message: 'Choose what the token may do' }),
});

/** The secret part of a link we e-mail (a password link, a confirmation, an unsubscribe): 256 bits, base64url. */
export const linkSecret = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** After this many wrong passwords in a row an account is locked for LOCKOUT_MINUTES. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;
export const SESSION_HOURS = 12;
export const RESET_LINK_HOURS = 1;
export const INVITATION_DAYS = 7;
