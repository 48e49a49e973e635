import { join } from 'node:path';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../domain/errors.js';
import type { AccountMail } from '../services/accounts.js';
import { openMailer } from '../services/mail.js';
import { SpendImportQueue } from '../services/import-queue.js';
import { accessControl } from './access.js';
import { page } from './page.js';
import { refuseControlCharacters } from './control-characters.js';
import { responseCache } from './response-cache.js';
import { accountsApi } from './api/accounts.js';
import { accountPages } from './pages/accounts.js';
import { auditPages } from './pages/audit.js';
import { userPages } from './pages/users.js';
import { newsPages } from './pages/news.js';
import { subscriptionPages } from './pages/subscriptions.js';
import { newsApi } from './api/news.js';
import type { Database } from '../store/db.js';
import { govukFrontendDir, projectRoot } from '../web/render.js';
import { bodiesApi } from './api/bodies.js';
import { apiDocument, openApiRoute } from './api/document.js';
import { partnershipsApi } from './api/partnerships.js';
import { registerApi } from './api/register.js';
import { spendApi } from './api/spend.js';
import { suppliersApi } from './api/suppliers.js';
import { opportunitiesApi } from './api/opportunities.js';
import { benefitsApi } from './api/benefits.js';
import { businessCasesApi } from './api/business-cases.js';
import { bodyPages } from './pages/bodies.js';
import { spendPages } from './pages/spend.js';
import { supplierPages } from './pages/suppliers.js';
import { opportunityPages } from './pages/opportunities.js';
import { benefitsPages } from './pages/benefits.js';
import { businessCasePages } from './pages/business-cases.js';
import { dashboardPages } from './pages/dashboard.js';
import { partnershipPages } from './pages/partnerships.js';

export interface AppOptions {
  db: Database;
  logger?: boolean;
  /** Where e-mailed links point and how e-mail is sent; by default, to the log with localhost links. */
  mail?: AccountMail;
  /** Behind a proxy that terminates TLS: trust its X-Forwarded-* headers (secure cookies, HSTS). */
  trustProxy?: boolean;
  /**
   * Sign-in and password-link attempts allowed from one address a minute. A council's staff may
   * share one address, so this is generous; wrong passwords for one account lock it after five.
   */
  signInAttemptsPerMinute?: number;
}

export async function buildApp({
  db,
  logger = false,
  mail = { baseUrl: 'http://localhost:3000', mailer: openMailer({ from: 'pathfinder@localhost' }) },
  trustProxy = false,
  signInAttemptsPerMinute = 30,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: 10 * 1024 * 1024, trustProxy });
  // API routes declare zod schemas: requests are checked against them and the OpenAPI document made from them.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await apiDocument(app);
  await app.register(formbody);
  await app.register(multipart, { limits: { files: 1, fileSize: 1024 ** 3 } });
  await app.register(fastifyStatic, { root: join(govukFrontendDir, 'govuk', 'assets'), prefix: '/assets/' });
  await app.register(fastifyStatic, {
    root: join(govukFrontendDir, 'govuk'),
    prefix: '/govuk/',
    decorateReply: false,
    allowedPath: (path) => /^\/govuk-frontend\.min\.(css|js)(\.map)?$/.test(path),
  });
  await app.register(fastifyStatic, {
    root: join(projectRoot, 'src', 'web', 'static'),
    prefix: '/static/',
    decorateReply: false,
  });

  refuseControlCharacters(app);
  await accessControl(app, db);
  responseCache(app, db);
  const imports = await SpendImportQueue.open(db, (error) => app.log.error(error));
  // Imports under way finish before the database closes, rather than being cut off.
  app.addHook('onClose', () => imports.drain());

  app.setErrorHandler((error, request, reply) => {
    const api = request.url.startsWith('/api/');
    const { status, message, problems, file } = describe(error);
    if (status >= 500) request.log.error(error);
    if (api)
      return reply
        .status(status)
        .send({ error: message, ...(file ? { file } : {}), ...(problems ? { problems } : {}) });
    const needsSignIn = status === 403 && !request.viewer;
    return page(reply.status(status), 'error.njk', {
      title:
        status === 404
          ? 'Page not found'
          : needsSignIn
            ? 'You need to sign in'
            : status === 403
              ? 'You cannot do this'
              : status >= 500
                ? 'Sorry, there is a problem with the service'
                : 'There is a problem',
      message,
      needsSignIn,
    });
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/'))
      return reply.status(404).send({ error: `No such address: ${request.url}` });
    return page(reply.status(404), 'error.njk', {
      title: 'Page not found',
      message: 'If you typed the web address, check it is correct.',
    });
  });

  accountPages(app, db, mail, signInAttemptsPerMinute);
  userPages(app, db, mail);
  auditPages(app, db);
  newsPages(app, db, mail);
  subscriptionPages(app, db, mail);
  dashboardPages(app, db);
  bodyPages(app, db);
  spendPages(app, db, imports);
  supplierPages(app, db);
  opportunityPages(app, db);
  businessCasePages(app, db);
  benefitsPages(app, db);
  partnershipPages(app, db);
  bodiesApi(app, db);
  partnershipsApi(app, db);
  registerApi(app, db);
  spendApi(app, db, imports);
  suppliersApi(app, db);
  opportunitiesApi(app, db);
  businessCasesApi(app, db);
  benefitsApi(app, db);
  accountsApi(app, db);
  newsApi(app, db);
  openApiRoute(app);
  app.get('/healthz', async () => ({ ok: true, database: db.kind }));
  return app;
}

/** Turns any error into a status and words fit to show; internal details never leave the server. */
function describe(error: unknown): { status: number; message: string; problems?: unknown; file?: string } {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext === 'querystring' ? 'query' : error.validationContext;
    return {
      status: 422,
      message: `The ${part === 'params' ? 'address' : (part ?? 'request')} has errors`,
      problems: error.validation.map((v) => ({
        field: v.instancePath.slice(1).replaceAll('/', '.') || '(whole record)',
        message: v.message,
      })),
    };
  }
  if (error instanceof InputError) {
    // A refusal of a whole file still names it, as a problem of the file, like a row's would.
    const problems = error.problems.length
      ? error.problems
      : error.file
        ? [{ field: '(whole file)', message: error.message }]
        : [];
    return { status: 422, message: error.message, problems, ...(error.file ? { file: error.file } : {}) };
  }
  if (error instanceof NotFoundError) return { status: 404, message: error.message };
  if (error instanceof ForbiddenError) return { status: 403, message: error.message };
  if (error instanceof ConflictError) return { status: 409, message: error.message };
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code?.startsWith('FST_CSRF_'))
    return {
      status: 403,
      message: 'This form has expired or was sent from another site. Go back, reload the page and try again.',
    };
  if (e.code === '23505')
    return { status: 409, message: 'That would duplicate a record that already exists' };
  if (e.statusCode && e.statusCode < 500)
    return { status: e.statusCode, message: e.message ?? 'Bad request' };
  return { status: 500, message: 'Try again later.' };
}
