import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  linkSecret,
  password,
  SESSION_HOURS,
  signInInput,
  TOKEN_SCOPES,
  tokenInput,
} from '../../domain/access.js';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import {
  type AccountMail,
  issueApiToken,
  linkIsLive,
  requestPasswordReset,
  resetPassword,
  signIn,
  signOut,
  withdrawApiToken,
} from '../../services/accounts.js';
import type { Database } from '../../store/db.js';
import { listApiTokens } from '../../store/users.js';
import { SESSION_COOKIE, signedIn } from '../access.js';
import { confirmPage } from '../confirm.js';
import { page } from '../page.js';
import { formatDate } from '../../web/render.js';
import { type Form, formErrors } from '../forms.js';
import { flash } from './paging.js';

/**
 * Where to go after signing in: a path on this site, or home. Browsers drop tabs and line breaks
 * from addresses, so "/\t/evil.example" would become "//evil.example", another site; and a header
 * takes no character beyond ASCII. So a path is printable ASCII only, with no backslash, and no
 * second slash at its start.
 */
const localPath = (next: unknown) =>
  typeof next === 'string' && /^\/(?![/\\])[\x21-\x5B\x5D-\x7E]*$/.test(next) ? next : '/';

const bySecret = z.object({ secret: linkSecret });

export function accountPages(
  app: FastifyInstance,
  db: Database,
  mail: AccountMail,
  attemptsPerMinute: number,
) {
  const SIGN_IN_LIMIT = { rateLimit: { max: attemptsPerMinute, timeWindow: '1 minute' } };
  const signInForm = (
    reply: FastifyReply,
    values: Form,
    problems: { field: string; message: string }[] = [],
  ) => page(reply, 'accounts/sign-in.njk', { title: 'Sign in', values, ...formErrors(problems) });

  app.get('/sign-in', (request, reply) =>
    signInForm(reply, { next: localPath((request.query as Form).next) as string }),
  );

  app.post('/sign-in', { config: SIGN_IN_LIMIT }, async (request, reply) => {
    const form = request.body as Form;
    const next = localPath(form.next);
    let input;
    try {
      input = parseInput(signInInput, form, 'sign in');
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return signInForm(reply.status(422), { ...form, password: '' }, error.problems);
    }
    const result = await signIn(db, input.email, input.password);
    if (result.outcome !== 'signed-in') {
      const message =
        result.outcome === 'locked'
          ? 'This account is locked after too many wrong passwords. Wait 15 minutes or reset your password.'
          : 'Enter a correct email address and password';
      return signInForm(reply.status(result.outcome === 'locked' ? 423 : 401), { email: input.email, next }, [
        { field: 'email', message },
      ]);
    }
    const old = request.cookies[SESSION_COOKIE];
    if (old) await signOut(db, old);
    reply.setCookie(SESSION_COOKIE, result.sessionSecret, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: 'auto',
      maxAge: SESSION_HOURS * 3600,
    });
    return reply.redirect(next, 303);
  });

  app.post('/sign-out', async (request, reply) => {
    const secret = request.cookies[SESSION_COOKIE];
    if (secret) await signOut(db, secret);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/?done=signed-out', 303);
  });

  app.get('/forgot-password', (_request, reply) =>
    page(reply, 'accounts/forgot.njk', { title: 'Reset your password', values: {}, errors: {} }),
  );

  app.post('/forgot-password', { config: SIGN_IN_LIMIT }, async (request, reply) => {
    const form = request.body as Form;
    const email = signInInput.shape.email.safeParse(form.email);
    if (!email.success) {
      return page(reply.status(422), 'accounts/forgot.njk', {
        title: 'Reset your password',
        values: form,
        ...formErrors([
          { field: 'email', message: email.error.issues[0]?.message ?? 'Enter an email address' },
        ]),
      });
    }
    await requestPasswordReset(db, email.data, mail);
    return page(reply, 'accounts/link-sent.njk', { title: 'Check your email', email: email.data });
  });

  const resetForm = async (
    reply: FastifyReply,
    secret: string,
    problems: { field: string; message: string }[] = [],
  ) => {
    if (!(await linkIsLive(db, secret))) {
      return page(reply.status(410), 'accounts/link-expired.njk', { title: 'This link has expired' });
    }
    return page(reply, 'accounts/reset.njk', { title: 'Choose a password', secret, ...formErrors(problems) });
  };

  app.get<{ Params: { secret: string } }>('/reset-password/:secret', async (request, reply) => {
    const parsed = bySecret.safeParse(request.params);
    if (!parsed.success)
      return page(reply.status(410), 'accounts/link-expired.njk', { title: 'This link has expired' });
    return resetForm(reply, parsed.data.secret);
  });

  app.post<{ Params: { secret: string } }>(
    '/reset-password/:secret',
    { config: SIGN_IN_LIMIT },
    async (request, reply) => {
      const parsed = bySecret.safeParse(request.params);
      if (!parsed.success)
        return page(reply.status(410), 'accounts/link-expired.njk', { title: 'This link has expired' });
      const { secret } = parsed.data;
      const form = request.body as Form;
      const chosen = password.safeParse(form.password);
      const problems = chosen.success
        ? form.password === form.confirm
          ? []
          : [{ field: 'confirm', message: 'The passwords do not match' }]
        : [{ field: 'password', message: chosen.error.issues[0]?.message ?? 'Enter a password' }];
      if (problems.length) return resetForm(reply.status(422), secret, problems);
      if (!(await resetPassword(db, secret, String(form.password)))) {
        return page(reply.status(410), 'accounts/link-expired.njk', { title: 'This link has expired' });
      }
      return reply.redirect('/sign-in?done=password-set', 303);
    },
  );

  const accountPage = async (reply: FastifyReply, context: Record<string, unknown> = {}) => {
    const viewer = signedIn(reply.request);
    return page(reply, 'accounts/account.njk', {
      title: 'Your account',
      section: 'account',
      flash: flash(reply.request.query),
      tokens: await listApiTokens(db, viewer.id),
      scopes: TOKEN_SCOPES,
      errors: {},
      values: {},
      ...context,
    });
  };

  app.get('/account', (_request, reply) => accountPage(reply));

  app.post('/account/tokens', async (request, reply) => {
    const viewer = signedIn(request);
    const form = request.body as Form;
    const scopes = [form.scopes].flat().filter((s): s is string => typeof s === 'string');
    try {
      const input = parseInput(tokenInput, { name: form.name, scopes }, 'API token');
      const secret = await issueApiToken(db, viewer, input.name, input.scopes);
      return accountPage(reply.status(201), { newToken: { name: input.name, secret } });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return accountPage(reply.status(422), { values: form, ...formErrors(error.problems) });
    }
  });

  app.get<{ Params: { id: string } }>('/account/tokens/:id/revoke', async (request, reply) => {
    const id = parseInput(z.coerce.number().int().positive(), request.params.id, 'token number');
    const token = (await listApiTokens(db, signedIn(request).id)).find((t) => t.id === id && !t.revokedAt);
    if (!token) throw new NotFoundError(`You hold no token numbered ${id} that is still in use`);
    return confirmPage(reply, {
      title: `Revoke the token ${token.name}?`,
      section: 'account',
      breadcrumbs: [{ text: 'Your account', href: '/account' }],
      facts: [
        { key: 'Scopes', value: token.scopes.join(', ') },
        { key: 'Last used', value: token.lastUsedAt ? formatDate(token.lastUsedAt) : 'Never' },
      ],
      warning:
        'Scripts and the command line using this token are refused from now on; make a new token for them.',
      action: `/account/tokens/${token.id}/revoke`,
      button: 'Revoke this token',
      cancelHref: '/account',
    });
  });

  app.post<{ Params: { id: string } }>('/account/tokens/:id/revoke', async (request, reply) => {
    const id = parseInput(z.coerce.number().int().positive(), request.params.id, 'token number');
    await withdrawApiToken(db, signedIn(request), id);
    return reply.redirect('/account?done=token-revoked', 303);
  });
}
