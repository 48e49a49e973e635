import type { RecordOfPartnership } from '../store/partnerships.js';

/**
 * Who may use each route, in one table, so that a reviewer reads the whole of the access rules in
 * one place and a route nobody thought about cannot be added: the app refuses to start if a route
 * has no entry here.
 *
 * - public: anyone; private parts of what it shows are filtered for the viewer.
 * - signed-in: any signed-in user.
 * - shared: editors of any body (shared records: new partnerships, supplier matches, categories).
 * - directory: site administrators (the directory of bodies, whole registers).
 * - partnership read/edit: members of the partnership the route's record belongs to (found from
 *   the route's :slug, the project's :id or the business case's :id); read-denied looks like 404.
 * - body spend/users: editors (spend) or administrators (users) of the body in :code.
 * - newsroom: site administrators, who compose and publish the weekly news summary.
 * - administrator: administrators of any body (what they manage is narrowed to their body).
 * - user: administrators of the body of the user in :id.
 *
 * Some routes check more in their handler, where the record is named in the request body: a new
 * business case or a project saved from the opportunity finder needs edit rights on the partnership
 * it names, and a new user needs rights over the body it names.
 */
export type Policy =
  | 'public'
  | 'signed-in'
  | 'shared'
  | 'directory'
  | 'newsroom'
  | { partnership: 'read' | 'edit'; from: RecordOfPartnership }
  | { body: 'spend' }
  | 'administrator'
  | 'user';

const readBySlug: Policy = { partnership: 'read', from: 'slug' };
const editBySlug: Policy = { partnership: 'edit', from: 'slug' };
const editProject: Policy = { partnership: 'edit', from: 'project' };
const readCase: Policy = { partnership: 'read', from: 'business-case' };
const editCase: Policy = { partnership: 'edit', from: 'business-case' };
const spend: Policy = { body: 'spend' };
/** Changing a benefits plan or recording a saving against it. Reading one is public but for confidential plans (checked in the handler). */
const editPlan: Policy = { partnership: 'edit', from: 'benefits-plan' };
/** The true-up works from the plan's business case, which is private to the members. */
const readPlan: Policy = { partnership: 'read', from: 'benefits-plan' };

export const POLICIES: Record<string, Policy> = {
  'GET /': 'public',
  'GET /healthz': 'public',
  'GET /bodies': 'public',
  'GET /bodies/new': 'directory',
  'POST /bodies/new': 'directory',
  'GET /bodies/:code': 'public',
  'GET /bodies/:code/edit': 'directory',
  'POST /bodies/:code/edit': 'directory',
  'GET /bodies/:code/delete': 'directory',
  'POST /bodies/:code/delete': 'directory',
  'GET /bodies/:code/partners': 'public',
  'GET /bodies/:code/spend-columns': spend,
  'POST /bodies/:code/spend-imports': spend,
  'GET /spend-imports/:id': 'public',
  'GET /spend-import-jobs/:id': 'signed-in',
  'GET /spend-imports/:id/refused.csv': 'public',
  'GET /bodies/:code/spend-imports/:id/remove': spend,
  'POST /bodies/:code/spend-imports/:id/remove': spend,

  'GET /partnerships': 'public',
  'GET /partnerships/new': 'shared',
  'POST /partnerships/new': 'shared',
  'GET /partnerships/:slug': 'public',
  'GET /partnerships/:slug/edit': editBySlug,
  'POST /partnerships/:slug/edit': editBySlug,
  'GET /partnerships/:slug/delete': editBySlug,
  'POST /partnerships/:slug/delete': editBySlug,
  'POST /partnerships/:slug/members': editBySlug,
  'GET /partnerships/:slug/members/:code/remove': editBySlug,
  'POST /partnerships/:slug/members/:code/remove': editBySlug,
  'POST /partnerships/:slug/notes': editBySlug,
  'GET /partnerships/:slug/history': readBySlug,
  'GET /partnerships/:slug/projects/new': editBySlug,
  'POST /partnerships/:slug/projects/new': editBySlug,
  'GET /projects/:id/edit': editProject,
  'POST /projects/:id/edit': editProject,
  'GET /projects/:id/delete': editProject,
  'POST /projects/:id/delete': editProject,
  'GET /partnerships/:slug/benefits/new': editBySlug,
  'POST /partnerships/:slug/benefits/new': editBySlug,
  'GET /benefits/:id': 'public',
  'GET /benefits/:id/export': 'public',
  'GET /benefits/:id/true-up': readPlan,
  'GET /benefits/:id/edit': editPlan,
  'POST /benefits/:id/edit': editPlan,
  'POST /benefits/:id/savings': editPlan,
  'GET /partnerships/:slug/business-cases/new': editBySlug,
  'POST /partnerships/:slug/business-cases/new': editBySlug,
  'GET /business-cases/compare': 'public',
  'GET /business-cases/:id': readCase,
  'GET /business-cases/:id/edit': editCase,
  'POST /business-cases/:id/edit': editCase,
  'GET /business-cases/:id/export': readCase,

  'GET /suppliers': 'public',
  'GET /suppliers/review': 'public',
  'POST /suppliers/review': 'shared',
  'GET /suppliers/:id': 'public',
  'POST /suppliers/:id/merge': 'shared',
  'POST /suppliers/:id/split': 'shared',
  'GET /categories': 'public',
  'POST /categories': 'shared',
  'GET /addressable': 'public',
  'POST /addressable': 'shared',
  'GET /opportunities': 'public',
  'GET /opportunities/export': 'public',
  'GET /opportunities/evidence': 'public',
  'POST /opportunities/projects': 'shared',

  'GET /news': 'public',
  'GET /news.atom': 'public',
  'GET /news/new': 'shared',
  'POST /news/new': 'shared',
  'GET /news/:id': 'public',
  'GET /news/:id/edit': 'shared',
  'POST /news/:id/edit': 'shared',
  'POST /news/:id/savings': 'shared',
  'GET /editions': 'public',
  'GET /editions.atom': 'public',
  'GET /editions/new': 'newsroom',
  'POST /editions/new': 'newsroom',
  'GET /editions/:id': 'public',
  'GET /editions/:id/edit': 'newsroom',
  'POST /editions/:id/edit': 'newsroom',
  'POST /editions/:id/publish': 'newsroom',
  'GET /subscribe': 'public',
  'POST /subscribe': 'public',
  'GET /subscribe/confirm/:secret': 'public',
  'POST /subscribe/confirm/:secret': 'public',
  'GET /unsubscribe/:token': 'public',
  'POST /unsubscribe/:token': 'public',

  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'POST /sign-out': 'public',
  'GET /forgot-password': 'public',
  'POST /forgot-password': 'public',
  'GET /reset-password/:secret': 'public',
  'POST /reset-password/:secret': 'public',
  'GET /account': 'signed-in',
  'POST /account/tokens': 'signed-in',
  'GET /account/tokens/:id/revoke': 'signed-in',
  'POST /account/tokens/:id/revoke': 'signed-in',
  'GET /users': 'administrator',
  'GET /users/new': 'administrator',
  'POST /users/new': 'administrator',
  'GET /users/:id': 'user',
  'POST /users/:id': 'user',
  'POST /users/:id/reset': 'user',
  'GET /audit': 'signed-in',

  'GET /api/v1/openapi.json': 'public',
  'GET /api/v1/me': 'signed-in',
  'GET /api/v1/audit': 'signed-in',
  'GET /api/v1/news': 'public',
  'GET /api/v1/bodies': 'public',
  'POST /api/v1/bodies': 'directory',
  'GET /api/v1/bodies/:code': 'public',
  'PUT /api/v1/bodies/:code': 'directory',
  'PATCH /api/v1/bodies/:code': 'directory',
  'DELETE /api/v1/bodies/:code': 'directory',
  'GET /api/v1/bodies/:code/partners': 'public',
  'GET /api/v1/opportunities': 'public',
  'GET /api/v1/bodies/:code/spend-imports': 'public',
  'POST /api/v1/bodies/:code/spend-imports': spend,
  'GET /api/v1/spend-imports/:id': 'public',
  'GET /api/v1/spend-import-jobs/:id': 'signed-in',
  'DELETE /api/v1/bodies/:code/spend-imports/:id': spend,
  'GET /api/v1/register': 'public',
  'GET /api/v1/register.csv': 'public',
  'POST /api/v1/register': 'directory',
  'GET /api/v1/partnerships': 'public',
  'POST /api/v1/partnerships': 'shared',
  'GET /api/v1/partnerships/:slug': 'public',
  'PUT /api/v1/partnerships/:slug': editBySlug,
  'PATCH /api/v1/partnerships/:slug': editBySlug,
  'DELETE /api/v1/partnerships/:slug': editBySlug,
  'PUT /api/v1/partnerships/:slug/members/:code': editBySlug,
  'DELETE /api/v1/partnerships/:slug/members/:code': editBySlug,
  'POST /api/v1/partnerships/:slug/projects': editBySlug,
  'GET /api/v1/projects': 'public',
  'GET /api/v1/projects/:id': 'public',
  'PUT /api/v1/projects/:id': editProject,
  'PATCH /api/v1/projects/:id': editProject,
  'DELETE /api/v1/projects/:id': editProject,
  'GET /api/v1/benefits': 'public',
  'POST /api/v1/partnerships/:slug/benefits': editBySlug,
  'GET /api/v1/benefits/:id': 'public',
  'PUT /api/v1/benefits/:id': editPlan,
  'PUT /api/v1/benefits/:id/savings': editPlan,
  'POST /api/v1/benefits/:id/true-up': readPlan,
  'GET /api/v1/price-indices': 'public',
  'GET /api/v1/business-cases': 'public',
  'POST /api/v1/business-cases': 'shared',
  'GET /api/v1/business-cases/:id': readCase,
  'PUT /api/v1/business-cases/:id': editCase,
  'DELETE /api/v1/business-cases/:id': editCase,
  'GET /api/v1/suppliers': 'public',
  'GET /api/v1/suppliers/:id': 'public',
  'POST /api/v1/suppliers/:id/merge': 'shared',
  'POST /api/v1/suppliers/:id/split': 'shared',
  'GET /api/v1/supplier-reviews': 'public',
  'POST /api/v1/supplier-reviews': 'shared',
  'GET /api/v1/categories': 'public',
  'GET /api/v1/categories/unmapped': 'public',
  'POST /api/v1/categories/mappings': 'shared',
  'GET /api/v1/addressable': 'public',
  'POST /api/v1/addressable': 'shared',
};

/** The rule for a route, by method and the route's pattern (as Fastify writes it: /bodies/:code). */
export function policyFor(method: string, url: string): Policy | undefined {
  return POLICIES[`${method} ${url}`];
}
