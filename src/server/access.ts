import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  canEditBodySpend,
  canEditDirectory,
  canEditPartnership,
  canEditShared,
  canManageSomeUsers,
  canManageUser,
  canPublishNews,
  canReadPrivate,
  type Viewer,
} from '../domain/access.js';
import { ForbiddenError, NotFoundError } from '../domain/errors.js';
import { viewerFrom } from '../services/accounts.js';
import type { Database } from '../store/db.js';
import { getBenefitsPlan } from '../store/benefits.js';
import { memberCodes, type RecordOfPartnership } from '../store/partnerships.js';
import { getUser } from '../store/users.js';
import { type Policy, policyFor } from './policies.js';
import { CSRF_COOKIE, formToken, newSubmission, scriptNonce } from './response-cache.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

/**
 * The viewer of a request that only signed-in people reach (its policy let it through), typed as
 * present; if a route's policy ever let an anonymous request this far, it is refused, not crashed.
 */
export function signedIn(request: FastifyRequest): NonNullable<Viewer> {
  if (!request.viewer) throw new ForbiddenError('Sign in to do this');
  return request.viewer;
}

export const SESSION_COOKIE = 'pathfinder_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const isStaticFile = (route: string | undefined) => /^\/(assets|govuk|static)\//.test(route ?? '');
/**
 * One-click unsubscribe (RFC 8058) is posted by the reader's mail service, which has no form
 * token; the unsubscribe token in the address is the proof, and it can do nothing else.
 */
const CSRF_EXEMPT = new Set(['/unsubscribe/:token']);

/**
 * Sign-in state, CSRF protection, security headers and the access rules of policies.ts, for every
 * route. Pages use the session cookie; the API uses a bearer token, and a session cookie only to
 * read, so no cross-site form can change anything through the API.
 */
export async function accessControl(app: FastifyInstance, db: Database) {
  await app.register(cookie);
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    frameguard: { action: 'deny' },
    // HSTS only over TLS (behind a proxy that says so): on plain HTTP it would mean nothing.
    hsts: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  await app.register(csrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: 'auto' },
    // Upload forms are multipart, read as a stream by their handler, so they carry the token in the query.
    getToken: (request) =>
      (request.body as { _csrf?: string } | undefined)?._csrf ?? (request.query as { _csrf?: string })._csrf,
  });
  await app.register(rateLimit, { global: false });

  app.decorateRequest('viewer', undefined);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || isStaticFile(route.url)) continue;
      if (!policyFor(method, route.url)) throw new Error(`No access policy for ${method} ${route.url}`);
    }
  });

  app.addHook('onRequest', async (request) => {
    // Stylesheets, scripts and images are the same for everyone: no session lookup for each of them.
    if (isStaticFile(request.routeOptions.url)) return;
    const api = request.url.startsWith('/api/');
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (api && bearer) {
      request.viewer = await viewerFrom(db, { bearerToken: bearer });
      if (!request.viewer)
        throw Object.assign(new Error('This API token is not valid: it may have been revoked'), {
          statusCode: 401,
        });
      return;
    }
    if (api && !SAFE_METHODS.has(request.method)) return;
    const sessionSecret = request.cookies[SESSION_COOKIE];
    if (sessionSecret) request.viewer = await viewerFrom(db, { sessionSecret });
  });

  // Before validation, so that a request nobody may make is refused as such, whatever it holds.
  app.addHook('preValidation', async (request, reply) => {
    const exempt = CSRF_EXEMPT.has(request.routeOptions.url ?? '');
    if (!SAFE_METHODS.has(request.method) && !request.url.startsWith('/api/') && !exempt) {
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())),
      );
    }
    const route = request.routeOptions.url;
    if (!route) return;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const policy = policyFor(method, route);
    if (!policy) return; // static files
    await enforce(db, policy, request);
  });
}

async function enforce(db: Database, policy: Policy, request: FastifyRequest) {
  const viewer = request.viewer;
  const params = request.params as Record<string, string>;
  const refuse = (what: string) => {
    throw new ForbiddenError(
      viewer
        ? `Your account cannot ${what}. Ask an administrator of your body if you need to.`
        : `Sign in to ${what}.`,
    );
  };
  if (policy === 'public') return;
  if (policy === 'signed-in') return viewer ? undefined : refuse('see this page');
  if (policy === 'shared') return canEditShared(viewer) ? undefined : refuse('make this change');
  if (policy === 'directory')
    return canEditDirectory(viewer) ? undefined : refuse('change the directory of bodies');
  if (policy === 'newsroom') return canPublishNews(viewer) ? undefined : refuse('compose the news summary');
  if (policy === 'administrator') return canManageSomeUsers(viewer) ? undefined : refuse('manage users');
  if (policy === 'user') {
    const id = Number(params.id);
    const user = Number.isSafeInteger(id) ? await getUser(db, id).catch(() => undefined) : undefined;
    const missing = new NotFoundError(`No user has the number ${params.id}`);
    if (!user) throw missing;
    if (canManageUser(viewer, user)) return;
    // Another body's people are none of the viewer's business: to them the account does not exist.
    if (user.bodyCode !== viewer?.bodyCode) throw missing;
    return refuse('manage this user');
  }
  if ('body' in policy) {
    return canEditBodySpend(viewer, (params.code ?? '').toUpperCase())
      ? undefined
      : refuse('import spend for this body');
  }
  await checkPartnershipAccess(
    db,
    viewer,
    policy.partnership,
    policy.from,
    params[policy.from === 'slug' ? 'slug' : 'id'] ?? '',
  );
}

/**
 * Refuses access to a partnership's records unless the viewer may read (or edit) them. The record
 * is the partnership itself, or the project or business case with that number. Refused reading
 * looks like a missing record, so a private business case's existence is not given away.
 */
export async function checkPartnershipAccess(
  db: Database,
  viewer: Viewer,
  need: 'read' | 'edit',
  from: RecordOfPartnership,
  key: string,
) {
  const record = await memberCodes(db, from, key);
  const missing = () =>
    new NotFoundError(
      from === 'business-case'
        ? `No business case has the number ${key}`
        : from === 'benefits-plan'
          ? `No benefits plan has the number ${key}`
          : from === 'project'
            ? `No project has the number ${key}`
            : `No partnership is called ${key}`,
    );
  if (!record) throw missing();
  const mayRead = canReadPrivate(viewer, record.codes);
  if (need === 'read') {
    if (!mayRead) throw missing();
    return;
  }
  if (canEditPartnership(viewer, record.codes)) return;
  // A private record refused looks like a missing one, to reading and writing alike.
  if (record.private && !mayRead) throw missing();
  throw new ForbiddenError(
    viewer
      ? 'Your account cannot change this partnership’s records. Ask an administrator of your body if you need to.'
      : 'Sign in to change this partnership’s records.',
  );
}

/** What every page needs to know about the request: who is signed in, the form token, the script nonce. */
export function pageContext(reply: FastifyReply) {
  const viewer = reply.request.viewer;
  return {
    viewer,
    // What the viewer may do anywhere, so pages offer only the controls that would work.
    may: {
      editShared: canEditShared(viewer),
      editDirectory: canEditDirectory(viewer),
      manageUsers: canManageSomeUsers(viewer),
      publishNews: canPublishNews(viewer),
    },
    csrfToken: formToken(reply),
    cspNonce: scriptNonce(reply),
    newSubmission: () => newSubmission(reply),
    signInHref: signInHrefFor(reply.request),
  };
}

/**
 * The sign-in page, returning to where the person was: the page itself when it was a GET (the header's
 * link, a page that needs an account), else the dashboard, since a refused form cannot be sent again.
 */
export function signInHrefFor(request: FastifyRequest) {
  const path = request.method === 'GET' ? request.url : '/';
  return path === '/' || path.startsWith('/sign-in')
    ? '/sign-in'
    : `/sign-in?next=${encodeURIComponent(path)}`;
}

/** Whether the viewer may edit a partnership's records, to show or hide the controls that would. */
export async function mayEditPartnership(db: Database, viewer: Viewer, slug: string | undefined) {
  const record = slug ? await memberCodes(db, 'slug', slug) : undefined;
  return record !== undefined && canEditPartnership(viewer, record.codes);
}

/**
 * A benefits plan the viewer may read: any plan but a confidential one, which only the partnership's
 * members may; refused reading looks like a missing plan.
 */
export async function readablePlan(db: Database, viewer: Viewer, id: number) {
  const record = await memberCodes(db, 'benefits-plan', String(id));
  if (!record || (record.private && !canReadPrivate(viewer, record.codes)))
    throw new NotFoundError(`No benefits plan has the number ${id}`);
  return {
    plan: await getBenefitsPlan(db, id),
    member: canReadPrivate(viewer, record.codes),
    canEdit: canEditPartnership(viewer, record.codes),
  };
}
