import type { Account, Role, TokenScope, UserInput } from '../domain/access.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { resolveBodyIds } from './bodies.js';
import type { Sql } from './db.js';
import { withoutNulls } from './rows.js';

export interface User extends Account {
  disabled: boolean;
  hasPassword: boolean;
  lockedUntil?: string;
  createdAt: string;
}

const SELECT_USER = `SELECT u.id, u.email, u.name, b.code AS "bodyCode", b.name AS "bodyName", u.role,
    u.site_admin AS "siteAdmin", u.disabled, u.password_hash IS NOT NULL AS "hasPassword",
    (SELECT f.locked_until FROM sign_in_failures f WHERE f.email = u.email AND f.locked_until > now()) AS "lockedUntil",
    u.created_at AS "createdAt"
  FROM users u LEFT JOIN bodies b ON b.id = u.body_id`;

export async function getUser(sql: Sql, id: number): Promise<User> {
  const [row] = await sql.query<User>(`${SELECT_USER} WHERE u.id = $1`, [id]);
  if (!row) throw new NotFoundError(`No user has the number ${id}`);
  return withoutNulls(row) as User;
}

export async function findUserByEmail(sql: Sql, email: string): Promise<User | undefined> {
  const [row] = await sql.query<User>(`${SELECT_USER} WHERE u.email = $1`, [email.trim().toLowerCase()]);
  return row && (withoutNulls(row) as User);
}

/** Users of one body, or of every body when bodyCode is undefined. */
export async function listUsers(sql: Sql, bodyCode?: string): Promise<User[]> {
  const rows = await sql.query<User>(
    `${SELECT_USER} ${bodyCode ? 'WHERE b.code = $1' : ''} ORDER BY b.name NULLS FIRST, u.name`,
    bodyCode ? [bodyCode] : [],
  );
  return rows.map((r) => withoutNulls(r) as User);
}

export async function countUsers(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return row?.n ?? 0;
}

/** Adds a user (without a password: they set one from their invitation) or updates one's details. */
export async function saveUser(sql: Sql, input: UserInput, id?: number): Promise<number> {
  const bodyId = input.bodyCode
    ? (await resolveBodyIds(sql, [{ code: input.bodyCode, field: 'bodyCode' }]))(input.bodyCode)
    : null;
  const values = [input.email, input.name, bodyId, input.role, input.siteAdmin, input.disabled];
  try {
    if (id !== undefined) {
      const rows = await sql.query<{ id: number }>(
        `UPDATE users SET email = $1, name = $2, body_id = $3, role = $4, site_admin = $5, disabled = $6
         WHERE id = $7 RETURNING id`,
        [...values, id],
      );
      if (!rows.length) throw new NotFoundError(`No user has the number ${id}`);
      // A disabled account, or one whose rights changed, starts again from a fresh sign-in.
      await sql.query('DELETE FROM sessions WHERE user_id = $1', [id]);
      return id;
    }
    const [row] = await sql.query<{ id: number }>(
      `INSERT INTO users (email, name, body_id, role, site_admin, disabled) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id`,
      values,
    );
    return row!.id;
  } catch (error) {
    if ((error as { code?: string }).code === '23505')
      throw new ConflictError(`There is already an account for ${input.email}`);
    throw error;
  }
}

export async function passwordHashOf(sql: Sql, userId: number): Promise<string | undefined> {
  const [row] = await sql.query<{ hash: string | null }>(
    'SELECT password_hash AS hash FROM users WHERE id = $1',
    [userId],
  );
  return row?.hash ?? undefined;
}

/** Sets a new password: any lockout ends and every session of the account is signed out. */
export async function setPassword(sql: Sql, userId: number, hash: string) {
  await sql.transaction(async (tx) => {
    const [user] = await tx.query<{ email: string }>(
      'UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING email',
      [hash, userId],
    );
    if (user) await clearFailedSignIns(tx, user.email);
    await tx.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  });
}

/**
 * Counts a wrong password for an address, with an account or not; at `max` in a row the address
 * locks for `minutes`. Says whether it is now locked.
 */
export async function recordFailedSignIn(
  sql: Sql,
  email: string,
  max: number,
  minutes: number,
): Promise<boolean> {
  const [row] = await sql.query<{ locked: boolean }>(
    `INSERT INTO sign_in_failures AS f (email, failures, locked_until)
       VALUES ($1, 1, CASE WHEN 1 >= $2 THEN now() + make_interval(mins => $3) END)
     ON CONFLICT (email) DO UPDATE SET failures = f.failures + 1,
       locked_until = CASE WHEN f.failures + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE f.locked_until END
     RETURNING coalesce(locked_until > now(), false) AS locked`,
    [email.trim().toLowerCase(), max, minutes],
  );
  return row?.locked ?? false;
}

/** Whether wrong passwords have locked an address for now. */
export async function isLockedOut(sql: Sql, email: string): Promise<boolean> {
  const [row] = await sql.query<{ locked: boolean }>(
    'SELECT locked_until > now() AS locked FROM sign_in_failures WHERE email = $1',
    [email.trim().toLowerCase()],
  );
  return row?.locked ?? false;
}

export async function clearFailedSignIns(sql: Sql, email: string) {
  await sql.query('DELETE FROM sign_in_failures WHERE email = $1', [email.trim().toLowerCase()]);
}

/** Starts a session; sessions that have run out are cleared away at the same time. */
export async function createSession(sql: Sql, tokenHash: string, userId: number, hours: number) {
  await sql.query('DELETE FROM sessions WHERE expires_at < now()');
  await sql.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [tokenHash, userId, hours],
  );
}

/** The account a live session belongs to; expired sessions and disabled accounts give nothing. */
export async function sessionAccount(sql: Sql, tokenHash: string): Promise<Account | undefined> {
  const [row] = await sql.query<User>(
    `${SELECT_USER} JOIN sessions s ON s.user_id = u.id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [tokenHash],
  );
  return row && accountOf(row);
}

export async function deleteSession(sql: Sql, tokenHash: string) {
  await sql.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}

export async function createOneTimeLink(
  sql: Sql,
  tokenHash: string,
  userId: number,
  purpose: 'reset' | 'invitation',
  hours: number,
) {
  await sql.query(
    `INSERT INTO one_time_links (token_hash, user_id, purpose, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(hours => $4))`,
    [tokenHash, userId, purpose, hours],
  );
}

/** The user a one-time link was made for, if it is unused and in date; it is then used up. */
export async function useOneTimeLink(sql: Sql, tokenHash: string): Promise<number | undefined> {
  const [row] = await sql.query<{ userId: number }>(
    `UPDATE one_time_links SET used_at = now()
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id AS "userId"`,
    [tokenHash],
  );
  return row?.userId;
}

/** Whether a one-time link would still work, without using it (to show its form). */
export async function oneTimeLinkIsLive(sql: Sql, tokenHash: string): Promise<boolean> {
  const rows = await sql.query(
    'SELECT 1 FROM one_time_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()',
    [tokenHash],
  );
  return rows.length > 0;
}

export interface ApiToken {
  id: number;
  name: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export async function createApiToken(
  sql: Sql,
  userId: number,
  name: string,
  scopes: TokenScope[],
  hash: string,
) {
  const [row] = await sql.query<{ id: number }>(
    'INSERT INTO api_tokens (user_id, name, scopes, token_hash) VALUES ($1, $2, $3, $4) RETURNING id',
    [userId, name, scopes, hash],
  );
  return row!.id;
}

export async function listApiTokens(sql: Sql, userId: number): Promise<ApiToken[]> {
  const rows = await sql.query<ApiToken>(
    `SELECT id, name, scopes, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
     FROM api_tokens WHERE user_id = $1 ORDER BY revoked_at NULLS FIRST, created_at DESC`,
    [userId],
  );
  return rows.map((r) => withoutNulls(r) as ApiToken);
}

/** Revokes one of a user's tokens; another user's token is not found. */
export async function revokeApiToken(sql: Sql, userId: number, id: number): Promise<ApiToken> {
  const [row] = await sql.query<ApiToken>(
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2
     RETURNING id, name, scopes, created_at AS "createdAt", revoked_at AS "revokedAt"`,
    [id, userId],
  );
  if (!row) throw new NotFoundError(`You have no API token numbered ${id}`);
  return withoutNulls(row) as ApiToken;
}

/** The account and scopes of a live token, noting its use. */
export async function tokenAccount(
  sql: Sql,
  hash: string,
): Promise<{ account: Account; scopes: TokenScope[] } | undefined> {
  const [token] = await sql.query<{ userId: number; scopes: TokenScope[] }>(
    `UPDATE api_tokens t SET last_used_at = now() FROM users u
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.id = t.user_id AND NOT u.disabled
     RETURNING t.user_id AS "userId", t.scopes`,
    [hash],
  );
  return token && { account: accountOf(await getUser(sql, token.userId)), scopes: token.scopes };
}

function accountOf(u: User): Account {
  const { id, email, name, bodyCode, bodyName, role, siteAdmin } = withoutNulls(u) as User;
  return { id, email, name, role: role as Role, siteAdmin, ...(bodyCode ? { bodyCode, bodyName } : {}) };
}
