import {
  type Account,
  INVITATION_DAYS,
  LOCKOUT_MINUTES,
  MAX_FAILED_SIGN_INS,
  RESET_LINK_HOURS,
  SESSION_HOURS,
  type TokenScope,
  type UserInput,
  type Viewer,
  ALL_SCOPES,
  canManageUser,
} from '../domain/access.js';
import type { Actor } from '../domain/audit.js';
import { recordChange } from '../store/audit.js';
import { bodyIdOf } from '../store/bodies.js';
import type { Sql } from '../store/db.js';
import {
  clearFailedSignIns,
  createApiToken,
  createOneTimeLink,
  createSession,
  deleteSession,
  findUserByEmail,
  getUser,
  oneTimeLinkIsLive,
  passwordHashOf,
  isLockedOut,
  recordFailedSignIn,
  revokeApiToken,
  saveUser,
  sessionAccount,
  setPassword,
  tokenAccount,
  useOneTimeLink,
} from '../store/users.js';
import { audited } from './changes.js';
import type { Mailer } from './mail.js';
import { hashPassword, hashSecret, newSecret, passwordMatches } from './secrets.js';

/** What account e-mails need: where links point, and how to send. */
export interface AccountMail {
  baseUrl: string;
  mailer: Mailer;
}

export const actorOf = (account: Account): Actor => ({ userId: account.id, name: account.email });

export type SignInResult =
  | { outcome: 'signed-in'; sessionSecret: string; account: Account }
  | { outcome: 'wrong' }
  | { outcome: 'locked' };

/**
 * Checks an e-mail address and password. A wrong answer counts towards the address's lockout, and a
 * locked address refuses even the right password until the lock ends or a reset. Addresses without
 * an account count and lock alike, so that no answer tells whether an account exists.
 */
export async function signIn(db: Sql, email: string, password: string): Promise<SignInResult> {
  const user = await findUserByEmail(db, email);
  const matches = await passwordMatches(
    password,
    user && !user.disabled ? await passwordHashOf(db, user.id) : undefined,
  );
  if (await isLockedOut(db, email)) return { outcome: 'locked' };
  if (!user || user.disabled || !matches) {
    const locked = await recordFailedSignIn(db, email, MAX_FAILED_SIGN_INS, LOCKOUT_MINUTES);
    return { outcome: locked ? 'locked' : 'wrong' };
  }
  await clearFailedSignIns(db, email);
  // A new session every time, so a session id planted before sign-in is never promoted (fixation).
  const { secret, hash } = newSecret();
  await createSession(db, hash, user.id, SESSION_HOURS);
  return { outcome: 'signed-in', sessionSecret: secret, account: user };
}

export async function signOut(db: Sql, sessionSecret: string) {
  const hash = hashSecret(sessionSecret);
  recentViewers.delete(`session:${hash}`);
  await deleteSession(db, hash);
}

/**
 * Viewers found in the last few seconds, by credential: every page asks who is viewing, and on the
 * embedded database that question would otherwise wait behind any import or long write. A change to
 * users, passwords or tokens in this process forgets them all at once; one made by another process
 * (the command line on a shared PostgreSQL) is seen within VIEWER_SECONDS.
 */
const VIEWER_SECONDS = 10;
const recentViewers = new Map<string, { viewer: Viewer; until: number }>();
const forgetViewers = () => recentViewers.clear();

/** Who a request comes from: a session cookie (all the user's rights) or an API token (its scopes). */
export async function viewerFrom(
  db: Sql,
  credentials: { sessionSecret?: string | undefined; bearerToken?: string | undefined },
): Promise<Viewer> {
  const key = credentials.bearerToken
    ? `token:${hashSecret(credentials.bearerToken)}`
    : credentials.sessionSecret
      ? `session:${hashSecret(credentials.sessionSecret)}`
      : undefined;
  if (!key) return undefined;
  const recent = recentViewers.get(key);
  if (recent && recent.until > Date.now()) return recent.viewer;
  const viewer = await lookUpViewer(db, key);
  if (viewer) recentViewers.set(key, { viewer, until: Date.now() + VIEWER_SECONDS * 1000 });
  else recentViewers.delete(key);
  return viewer;
}

async function lookUpViewer(db: Sql, key: string): Promise<Viewer> {
  const [kind, hash] = key.split(':') as [string, string];
  if (kind === 'token') {
    const found = await tokenAccount(db, hash);
    return found && { ...found.account, via: 'token', scopes: found.scopes };
  }
  const account = await sessionAccount(db, hash);
  return account && { ...account, via: 'session', scopes: ALL_SCOPES };
}

/**
 * Adds a user and e-mails them a link to choose their password; returns the new account's number.
 * An address that already has an account the inviter may not manage (another body's) is neither
 * added nor named to the inviter, who must not learn who has an account elsewhere: its owner is
 * told by e-mail instead, and nothing is returned.
 */
export async function inviteUser(
  db: Sql,
  inviter: NonNullable<Viewer>,
  input: UserInput,
  mail: AccountMail,
): Promise<number | undefined> {
  const existing = await findUserByEmail(db, input.email);
  if (existing && !canManageUser(inviter, existing)) {
    await mail.mailer.send({
      to: existing.email,
      subject: 'Someone tried to add you to Pathfinder',
      text: [
        `Dear ${existing.name},`,
        '',
        `An administrator${inviter.bodyName ? ` at ${inviter.bodyName}` : ''} tried to add this address to Pathfinder. You already have an account, so nothing has changed. Sign in as usual; if you need access for another body, ask a site administrator.`,
      ].join('\n'),
    });
    return undefined;
  }
  const id = await addUser(db, actorOf(inviter), input);
  await sendLink(db, id, 'invitation', mail);
  return id;
}

/** Adds a user, without a password: they choose one from a one-time link. */
export const addUser = (db: Sql, actor: Actor, input: UserInput) =>
  audited(db, actor, { action: 'create', record: 'user', keyOf: String }, (tx) => saveUser(tx, input));

export async function updateUser(db: Sql, actor: Actor, id: number, input: UserInput) {
  await audited(db, actor, { action: 'update', record: 'user', key: String(id) }, (tx) =>
    saveUser(tx, input, id),
  );
  forgetViewers();
}

/**
 * E-mails a password reset link if the address has an account; says nothing either way, so the
 * form cannot be used to find out who has an account.
 */
export async function requestPasswordReset(db: Sql, email: string, mail: AccountMail) {
  const user = await findUserByEmail(db, email);
  if (user && !user.disabled) await sendLink(db, user.id, 'reset', mail);
}

/** Makes a one-time link for a user (a reset, or an invitation to set a first password) and sends it. */
export async function sendLink(db: Sql, userId: number, purpose: 'reset' | 'invitation', mail: AccountMail) {
  const link = await oneTimeLink(db, userId, purpose, mail.baseUrl);
  const user = await getUser(db, userId);
  const invitation = purpose === 'invitation';
  await mail.mailer.send({
    to: user.email,
    subject: invitation ? 'You have been invited to Pathfinder' : 'Reset your Pathfinder password',
    text: [
      `Dear ${user.name},`,
      '',
      invitation
        ? `An account has been made for you on Pathfinder${user.bodyName ? ` for ${user.bodyName}` : ''}. Choose your password here:`
        : 'Someone asked to reset the password of your Pathfinder account. To choose a new password, open this link:',
      '',
      link,
      '',
      invitation
        ? `The link works once and for ${INVITATION_DAYS} days.`
        : `The link works once and for ${RESET_LINK_HOURS} hour. If you did not ask for it, you can ignore this e-mail: your password has not changed.`,
    ].join('\n'),
  });
}

/** A one-time link to choose a password; the CLI prints it where e-mail is not set up. */
export async function oneTimeLink(db: Sql, userId: number, purpose: 'reset' | 'invitation', baseUrl: string) {
  const { secret, hash } = newSecret();
  const hours = purpose === 'invitation' ? INVITATION_DAYS * 24 : RESET_LINK_HOURS;
  await createOneTimeLink(db, hash, userId, purpose, hours);
  return `${baseUrl.replace(/\/$/, '')}/reset-password/${secret}`;
}

export const linkIsLive = (db: Sql, secret: string) => oneTimeLinkIsLive(db, hashSecret(secret));

/** Uses a one-time link to set a password; false if the link is used, expired or made up. */
export async function resetPassword(db: Sql, secret: string, password: string): Promise<boolean> {
  const hash = await hashPassword(password);
  const done = await db.transaction(async (tx) => {
    const userId = await useOneTimeLink(tx, hashSecret(secret));
    if (userId === undefined) return false;
    await setPassword(tx, userId, hash);
    const user = await getUser(tx, userId);
    await recordChange(
      tx,
      { userId, name: user.email },
      {
        action: 'update',
        recordType: 'user',
        recordKey: String(userId),
        recordName: `${user.name} <${user.email}>`,
        after: { password: 'changed by one-time link' },
      },
    );
    return true;
  });
  forgetViewers();
  return done;
}

/** Sets a password directly (the first administrator, created from the command line). */
export async function choosePassword(db: Sql, userId: number, password: string) {
  await setPassword(db, userId, await hashPassword(password));
  forgetViewers();
}

/** Makes an API token; the secret is shown once and never stored. */
export async function issueApiToken(db: Sql, account: Account, name: string, scopes: TokenScope[]) {
  const { secret, hash } = newSecret('pf_');
  await db.transaction(async (tx) => {
    const id = await createApiToken(tx, account.id, name, scopes, hash);
    await recordChange(tx, actorOf(account), {
      action: 'create',
      recordType: 'api_token',
      recordKey: String(id),
      recordName: name,
      bodyId: await bodyIdOf(tx, account.bodyCode),
      after: { name, scopes },
    });
  });
  return secret;
}

export async function withdrawApiToken(db: Sql, account: Account, id: number) {
  await db.transaction(async (tx) => {
    const token = await revokeApiToken(tx, account.id, id);
    await recordChange(tx, actorOf(account), {
      action: 'revoke',
      recordType: 'api_token',
      recordKey: String(id),
      recordName: token.name,
      bodyId: await bodyIdOf(tx, account.bodyCode),
      after: { revokedAt: token.revokedAt },
    });
  });
  forgetViewers();
}
