import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Secrets a user holds (session cookies, one-time links, API tokens) are 256 random bits; the
 * store keeps only their SHA-256, so a copy of the database signs nobody in.
 */
export function newSecret(prefix = ''): { secret: string; hash: string } {
  const secret = prefix + randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Argon2id with the library's defaults (19 MiB, 2 passes: OWASP's recommended minimum). */
export const hashPassword = (password: string) => hash(password);

// Checked when an e-mail address has no account, so that a wrong address takes as long as a wrong password.
const NOBODY = hash('no account has this password');

export async function passwordMatches(password: string, stored: string | undefined): Promise<boolean> {
  if (!stored) {
    await verify(await NOBODY, password);
    return false;
  }
  return verify(stored, password);
}
