import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { FULL_ACCESS } from '../../src/domain/access.js';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { POLICIES } from '../../src/server/policies.js';
import { SpendImportQueue } from '../../src/services/import-queue.js';
import { importSpendFile } from '../../src/services/import-spend.js';
import { addNoteRecord, saveBenefitsPlanRecord } from '../../src/services/records.js';
import type { Database } from '../../src/store/db.js';
import { getPartnership, savePartnership } from '../../src/store/partnerships.js';
import { getUser, listApiTokens } from '../../src/store/users.js';
import { listNewsItems, saveEdition } from '../../src/store/news.js';
import { issueApiToken } from '../../src/services/accounts.js';
import { saveProject } from '../../src/store/projects.js';
import { partnershipToInput } from '../../src/domain/partnerships.js';
import { anonymous, type Client, quietMail, signIn } from '../helpers/accounts.js';
import {
  makeBody,
  makeBusinessCase,
  makePartnership,
  makeUser,
  SHARED_REVENUES_CASE,
  writeSpendFile,
} from '../helpers/factories.js';
import { emptyRegister, forEachDatabase, TESTER } from '../helpers/databases.js';

/**
 * The authorisation matrix: every route of the app and the API, asked by each kind of visitor;
 * every answer also carries the security headers.
 * What each may do is written here from the issue's rules, not read from the app's own table, so
 * the two must agree. A refusal must be 403 or 404; a visitor who may not read the partnership's
 * private records must never see any of them in any answer (pages, lists, exports, feeds, errors).
 */

const P = 'wychavon-malvern-hills-shared-chief-executive';
const MEMBER = 'E07000238'; // Wychavon
const OUTSIDER = 'E08000009'; // Trafford
const SECRET = 'SECRET-';

type Role =
  | 'anonymous'
  | 'member viewer'
  | 'member editor'
  | 'member administrator'
  | 'non-member viewer'
  | 'non-member editor'
  | 'non-member administrator'
  | 'site administrator';

const ACCOUNTS: Record<Exclude<Role, 'anonymous'>, Parameters<typeof makeUser>[1]> = {
  'member viewer': { email: 'viewer@wychavon.test', bodyCode: MEMBER, role: 'viewer' },
  'member editor': { email: 'editor@wychavon.test', bodyCode: MEMBER, role: 'editor' },
  'member administrator': { email: 'admin@wychavon.test', bodyCode: MEMBER, role: 'administrator' },
  'non-member viewer': { email: 'viewer@trafford.test', bodyCode: OUTSIDER, role: 'viewer' },
  'non-member editor': { email: 'editor@trafford.test', bodyCode: OUTSIDER, role: 'editor' },
  'non-member administrator': { email: 'admin@trafford.test', bodyCode: OUTSIDER, role: 'administrator' },
  'site administrator': { email: 'admin@pathfinder.test', role: 'administrator', siteAdmin: true },
};
const ROLES = ['anonymous', ...Object.keys(ACCOUNTS)] as Role[];

/** Who may: the issue's rules as sets of roles. */
const everyone = new Set(ROLES);
const signedIn = new Set(ROLES.filter((r) => r !== 'anonymous'));
const readers = new Set<Role>([
  'member viewer',
  'member editor',
  'member administrator',
  'site administrator',
]);
const memberEditors = new Set<Role>(['member editor', 'member administrator', 'site administrator']);
const editors = new Set<Role>([...memberEditors, 'non-member editor', 'non-member administrator']);
const administrators = new Set<Role>([
  'member administrator',
  'non-member administrator',
  'site administrator',
]);
const memberAdministrators = new Set<Role>(['member administrator', 'site administrator']);
const siteAdministrators = new Set<Role>(['site administrator']);

interface Fixture {
  caseId: number;
  planId: number;
  newsId: number;
  draftEditionId: number;
  projectId: number;
  importId: number;
  jobId: string;
  userId: number;
  userIds: Record<string, number>;
}

interface Case {
  route: string;
  /** The address asked, with the route's parameters filled in. */
  url: (f: Fixture, role: Role) => string | Promise<string>;
  allowed: Set<Role>;
  payload?: object;
}

let throwaway = 0;
/** A record the request may delete or change, made fresh for each visitor so each finds it there. */
async function spareProject(db: Database) {
  return saveProject(
    db,
    { name: `Spare ${++throwaway}`, service: 'it', stage: 'idea', description: '', draft: false },
    { partnership: P },
  );
}
/** A spend import of the member body's, with a file of its own so that it stores payments. */
async function spareImport(db: Database, folder: string) {
  const n = ++throwaway;
  const path = writeSpendFile(folder, `spare-${n}.csv`, [
    { date: '01/05/2024', supplier: `Spare Supplier ${n}`, amount: `${n}.00` },
  ]);
  return (await importSpendFile(db, TESTER, path, { bodyCode: MEMBER })).id;
}
/** A partnership of the same members as P's. */
async function sparePartnership(db: Database) {
  const members = (await getPartnership(db, P, FULL_ACCESS)).members.map((m) => m.bodyCode);
  return makePartnership(db, members);
}

forEachDatabase('authorisation matrix', (database) => {
  let app: FastifyInstance;
  let fixture: Fixture;
  const clients = new Map<Role, Client>();
  let work: string;

  before(async () => {
    const db = database();
    await emptyRegister(db);
    await seedDemo(db);
    app = await buildApp({ db, mail: quietMail() });
    // The partnership's private records, each marked so a leak is easy to see.
    const p = await getPartnership(db, P, FULL_ACCESS);
    await savePartnership(
      db,
      {
        ...partnershipToInput(p),
        savingsClaims: [
          {
            amountPence: 100_000,
            period: 'per year',
            description: 'Public saving',
            status: 'claimed',
            confidential: false,
          },
          {
            amountPence: 777_700,
            period: 'per year',
            description: `${SECRET}SAVING`,
            status: 'claimed',
            confidential: true,
          },
        ],
      },
      { update: P },
    );
    const projectId = await saveProject(
      db,
      { name: `${SECRET}DRAFT-PROJECT`, service: 'it', stage: 'idea', description: '', draft: true },
      { partnership: P },
    );
    const caseId = await makeBusinessCase(db, { name: `${SECRET}CASE` });
    const planId = await saveBenefitsPlanRecord(db, TESTER, P, {
      name: `${SECRET}PLAN`,
      goLive: '2024-04',
      baselineFrom: '2023-04',
      baselineTo: '2024-03',
      measures: [{ kind: 'category', value: '27' }],
      partners: [{ bodyCode: MEMBER, plannedPence: [4_200_000] }],
      confidential: true,
    });
    await addNoteRecord(db, TESTER, P, `${SECRET}NOTE about the chief executive's contract`);
    work = mkdtempSync(join(tmpdir(), 'pathfinder-access-'));
    const file = writeSpendFile(work, 'wychavon.csv', [
      { date: '01/04/2024', supplier: 'Acme Ltd', amount: '1200.00' },
      { date: '02/04/2024', supplier: 'Bravo Services', amount: '600.00' },
    ]);
    // Through the queue web uploads go through, so that there is a job to follow too.
    const queue = await SpendImportQueue.open(db, (error) => assert.fail(String(error)));
    const { job, outcome } = await queue.submit({
      bodyCode: MEMBER,
      bodyName: 'Wychavon District Council',
      path: file,
      name: 'wychavon.csv',
      options: { bodyCode: MEMBER },
      form: {},
      actor: TESTER,
      discard: async () => undefined,
    });
    const { id: importId } = (await outcome)!;
    const userIds: Record<string, number> = {};
    for (const [role, account] of Object.entries(ACCOUNTS)) userIds[role] = await makeUser(db, account);
    const [news] = await listNewsItems(db, { partnership: P });
    const draftEditionId = await saveEdition(db, {
      weekOf: '2015-03-03',
      introduction: 'A draft edition for the matrix.',
      itemIds: [news!.id],
    });
    fixture = {
      caseId,
      planId,
      projectId,
      importId,
      jobId: job.id,
      newsId: news!.id,
      draftEditionId,
      userId: userIds['member viewer'] as number,
      userIds,
    };
    for (const role of ROLES) {
      clients.set(
        role,
        role === 'anonymous'
          ? await anonymous(app)
          : await signIn(app, db, ACCOUNTS[role as keyof typeof ACCOUNTS].email),
      );
    }
  });

  after(async () => {
    await app.close();
    rmSync(work, { recursive: true, force: true });
  });

  const db = () => database();
  const spareToken = async (f: Fixture, role: Role) => {
    if (role === 'anonymous') return '/account/tokens/1/revoke';
    const account = await getUser(db(), f.userIds[role] as number);
    await issueApiToken(db(), account, `spare ${++throwaway}`, ['read']);
    const [latest] = await listApiTokens(db(), account.id);
    return `/account/tokens/${latest?.id}/revoke`;
  };
  const cases: Case[] = [
    // Public reading
    { route: 'GET /', url: () => '/', allowed: everyone },
    { route: 'GET /healthz', url: () => '/healthz', allowed: everyone },
    { route: 'GET /bodies', url: () => '/bodies?q=wychavon', allowed: everyone },
    { route: 'GET /bodies/:code', url: () => `/bodies/${MEMBER}`, allowed: everyone },
    { route: 'GET /bodies/:code/partners', url: () => `/bodies/${MEMBER}/partners`, allowed: everyone },
    { route: 'GET /spend-imports/:id', url: (f) => `/spend-imports/${f.importId}`, allowed: everyone },
    { route: 'GET /spend-import-jobs/:id', url: (f) => `/spend-import-jobs/${f.jobId}`, allowed: signedIn },
    {
      route: 'GET /api/v1/spend-import-jobs/:id',
      url: (f) => `/api/v1/spend-import-jobs/${f.jobId}`,
      allowed: signedIn,
    },
    {
      route: 'GET /spend-imports/:id/refused.csv',
      url: (f) => `/spend-imports/${f.importId}/refused.csv`,
      allowed: everyone,
    },
    { route: 'GET /partnerships', url: () => '/partnerships?q=wychavon', allowed: everyone },
    { route: 'GET /partnerships/:slug', url: () => `/partnerships/${P}`, allowed: everyone },
    { route: 'GET /suppliers', url: () => '/suppliers', allowed: everyone },
    { route: 'GET /suppliers/review', url: () => '/suppliers/review', allowed: everyone },
    { route: 'GET /suppliers/:id', url: () => '/suppliers/1', allowed: everyone },
    { route: 'GET /categories', url: () => '/categories', allowed: everyone },
    { route: 'GET /addressable', url: () => '/addressable', allowed: everyone },
    { route: 'GET /opportunities', url: () => `/opportunities?partnership=${P}`, allowed: everyone },
    {
      route: 'GET /opportunities/export',
      url: () => `/opportunities/export?partnership=${P}`,
      allowed: everyone,
    },
    {
      route: 'GET /opportunities/evidence',
      url: () => `/opportunities/evidence?partnership=${P}&supplier=1`,
      allowed: everyone,
    },
    { route: 'GET /sign-in', url: () => '/sign-in', allowed: everyone },
    { route: 'GET /forgot-password', url: () => '/forgot-password', allowed: everyone },
    {
      route: 'GET /reset-password/:secret',
      url: () => `/reset-password/${'x'.repeat(43)}`,
      allowed: everyone,
    },
    { route: 'GET /api/v1/openapi.json', url: () => '/api/v1/openapi.json', allowed: everyone },
    { route: 'GET /api/v1/bodies', url: () => '/api/v1/bodies', allowed: everyone },
    { route: 'GET /api/v1/bodies/:code', url: () => `/api/v1/bodies/${MEMBER}`, allowed: everyone },
    {
      route: 'GET /api/v1/bodies/:code/partners',
      url: () => `/api/v1/bodies/${MEMBER}/partners`,
      allowed: everyone,
    },
    {
      route: 'GET /api/v1/opportunities',
      url: () => `/api/v1/opportunities?partnership=${P}`,
      allowed: everyone,
    },
    {
      route: 'GET /api/v1/bodies/:code/spend-imports',
      url: () => `/api/v1/bodies/${MEMBER}/spend-imports`,
      allowed: everyone,
    },
    {
      route: 'GET /api/v1/spend-imports/:id',
      url: (f) => `/api/v1/spend-imports/${f.importId}`,
      allowed: everyone,
    },
    { route: 'GET /api/v1/register', url: () => '/api/v1/register', allowed: everyone },
    {
      route: 'GET /api/v1/register.csv',
      url: () => '/api/v1/register.csv?table=projects',
      allowed: everyone,
    },
    { route: 'GET /api/v1/partnerships', url: () => '/api/v1/partnerships?q=wychavon', allowed: everyone },
    { route: 'GET /api/v1/partnerships/:slug', url: () => `/api/v1/partnerships/${P}`, allowed: everyone },
    { route: 'GET /api/v1/projects', url: () => `/api/v1/projects?partnership=${P}`, allowed: everyone },
    { route: 'GET /api/v1/business-cases', url: () => '/api/v1/business-cases', allowed: everyone },
    { route: 'GET /api/v1/benefits', url: () => `/api/v1/benefits?partnership=${P}`, allowed: everyone },
    { route: 'GET /api/v1/price-indices', url: () => '/api/v1/price-indices', allowed: everyone },
    { route: 'GET /api/v1/suppliers', url: () => '/api/v1/suppliers', allowed: everyone },
    { route: 'GET /api/v1/suppliers/:id', url: () => '/api/v1/suppliers/1', allowed: everyone },
    { route: 'GET /api/v1/supplier-reviews', url: () => '/api/v1/supplier-reviews', allowed: everyone },
    { route: 'GET /api/v1/categories', url: () => '/api/v1/categories', allowed: everyone },
    { route: 'GET /api/v1/categories/unmapped', url: () => '/api/v1/categories/unmapped', allowed: everyone },
    { route: 'GET /api/v1/addressable', url: () => '/api/v1/addressable', allowed: everyone },

    // Private to the partnership's members
    // A confidential benefits plan: members only; its true-up works from the private business case.
    { route: 'GET /benefits/:id', url: (f) => `/benefits/${f.planId}`, allowed: readers },
    {
      route: 'GET /benefits/:id/export',
      url: (f) => `/benefits/${f.planId}/export?format=csv`,
      allowed: readers,
    },
    {
      route: 'GET /benefits/:id/true-up',
      url: (f) => `/benefits/${f.planId}/true-up?year=1`,
      allowed: readers,
    },
    { route: 'GET /api/v1/benefits/:id', url: (f) => `/api/v1/benefits/${f.planId}`, allowed: readers },
    {
      route: 'POST /api/v1/benefits/:id/true-up',
      url: (f) => `/api/v1/benefits/${f.planId}/true-up`,
      allowed: readers,
      payload: { year: 1 },
    },
    { route: 'GET /api/v1/projects/:id', url: (f) => `/api/v1/projects/${f.projectId}`, allowed: readers },
    { route: 'GET /business-cases/:id', url: (f) => `/business-cases/${f.caseId}`, allowed: readers },
    {
      route: 'GET /business-cases/:id/export',
      url: (f) => `/business-cases/${f.caseId}/export`,
      allowed: readers,
    },
    {
      route: 'GET /business-cases/compare',
      url: (f) => `/business-cases/compare?ids=${f.caseId},${f.caseId}`,
      allowed: readers,
    },
    {
      route: 'GET /api/v1/business-cases/:id',
      url: (f) => `/api/v1/business-cases/${f.caseId}`,
      allowed: readers,
    },
    {
      route: 'GET /partnerships/:slug/history',
      url: () => `/partnerships/${P}/history?format=csv`,
      allowed: readers,
    },

    // Signed in
    { route: 'GET /account', url: () => '/account', allowed: signedIn },
    { route: 'GET /audit', url: () => '/audit?format=csv', allowed: signedIn },
    { route: 'GET /api/v1/me', url: () => '/api/v1/me', allowed: signedIn },
    { route: 'GET /api/v1/audit', url: () => '/api/v1/audit', allowed: signedIn },
    { route: 'POST /account/tokens', url: () => '/account/tokens', allowed: signedIn, payload: {} },

    // Users: administrators, each of their own body's
    { route: 'GET /users', url: () => '/users', allowed: administrators },
    { route: 'GET /users/new', url: () => '/users/new', allowed: administrators },
    { route: 'POST /users/new', url: () => '/users/new', allowed: administrators, payload: {} },
    { route: 'GET /users/:id', url: (f) => `/users/${f.userId}`, allowed: memberAdministrators },
    {
      route: 'POST /users/:id',
      url: (f) => `/users/${f.userId}`,
      allowed: memberAdministrators,
      payload: {},
    },
    { route: 'POST /users/:id/reset', url: (f) => `/users/${f.userId}/reset`, allowed: memberAdministrators },

    // The directory of bodies: site administrators
    { route: 'GET /bodies/new', url: () => '/bodies/new', allowed: siteAdministrators },
    { route: 'POST /bodies/new', url: () => '/bodies/new', allowed: siteAdministrators, payload: {} },
    { route: 'GET /bodies/:code/edit', url: () => `/bodies/${MEMBER}/edit`, allowed: siteAdministrators },
    {
      route: 'POST /bodies/:code/edit',
      url: () => `/bodies/${MEMBER}/edit`,
      allowed: siteAdministrators,
      payload: {},
    },
    { route: 'GET /bodies/:code/delete', url: () => `/bodies/${MEMBER}/delete`, allowed: siteAdministrators },
    {
      route: 'POST /bodies/:code/delete',
      url: async () => `/bodies/${await makeBody(db())}/delete`,
      allowed: siteAdministrators,
    },
    { route: 'POST /api/v1/bodies', url: () => '/api/v1/bodies', allowed: siteAdministrators, payload: {} },
    {
      route: 'PUT /api/v1/bodies/:code',
      url: () => `/api/v1/bodies/${MEMBER}`,
      allowed: siteAdministrators,
      payload: {},
    },
    {
      route: 'PATCH /api/v1/bodies/:code',
      url: () => `/api/v1/bodies/${MEMBER}`,
      allowed: siteAdministrators,
      payload: { kind: 'nope' },
    },
    {
      route: 'DELETE /api/v1/bodies/:code',
      url: async () => `/api/v1/bodies/${await makeBody(db())}`,
      allowed: siteAdministrators,
    },
    {
      route: 'POST /api/v1/register',
      url: () => '/api/v1/register',
      allowed: siteAdministrators,
      payload: { bodies: 'x' },
    },

    // A body's spend: its editors
    {
      route: 'GET /bodies/:code/spend-columns',
      url: () => `/bodies/${MEMBER}/spend-columns`,
      allowed: memberEditors,
    },
    {
      route: 'POST /bodies/:code/spend-imports',
      url: () => `/bodies/${MEMBER}/spend-imports`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'POST /api/v1/bodies/:code/spend-imports',
      url: () => `/api/v1/bodies/${MEMBER}/spend-imports`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'GET /bodies/:code/spend-imports/:id/remove',
      url: (f) => `/bodies/${MEMBER}/spend-imports/${f.importId}/remove`,
      allowed: memberEditors,
    },
    {
      route: 'POST /bodies/:code/spend-imports/:id/remove',
      url: async () => `/bodies/${MEMBER}/spend-imports/${await spareImport(db(), work)}/remove`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'DELETE /api/v1/bodies/:code/spend-imports/:id',
      url: async () => `/api/v1/bodies/${MEMBER}/spend-imports/${await spareImport(db(), work)}`,
      allowed: memberEditors,
    },

    // Shared records: any editor
    { route: 'GET /partnerships/new', url: () => '/partnerships/new', allowed: editors },
    { route: 'POST /partnerships/new', url: () => '/partnerships/new', allowed: editors, payload: {} },
    { route: 'POST /api/v1/partnerships', url: () => '/api/v1/partnerships', allowed: editors, payload: {} },
    { route: 'POST /suppliers/review', url: () => '/suppliers/review', allowed: editors, payload: {} },
    { route: 'POST /suppliers/:id/merge', url: () => '/suppliers/1/merge', allowed: editors, payload: {} },
    { route: 'POST /suppliers/:id/split', url: () => '/suppliers/1/split', allowed: editors, payload: {} },
    { route: 'POST /categories', url: () => '/categories', allowed: editors, payload: {} },
    { route: 'POST /addressable', url: () => '/addressable', allowed: editors, payload: {} },
    {
      route: 'POST /api/v1/suppliers/:id/merge',
      url: () => '/api/v1/suppliers/1/merge',
      allowed: editors,
      payload: {},
    },
    {
      route: 'POST /api/v1/suppliers/:id/split',
      url: () => '/api/v1/suppliers/1/split',
      allowed: editors,
      payload: {},
    },
    {
      route: 'POST /api/v1/supplier-reviews',
      url: () => '/api/v1/supplier-reviews',
      allowed: editors,
      payload: {},
    },
    {
      route: 'POST /api/v1/categories/mappings',
      url: () => '/api/v1/categories/mappings',
      allowed: editors,
      payload: {},
    },
    { route: 'POST /api/v1/addressable', url: () => '/api/v1/addressable', allowed: editors, payload: {} },

    // The partnership's records: editors of its members
    { route: 'GET /partnerships/:slug/edit', url: () => `/partnerships/${P}/edit`, allowed: memberEditors },
    {
      route: 'POST /partnerships/:slug/edit',
      url: () => `/partnerships/${P}/edit`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'GET /partnerships/:slug/delete',
      url: () => `/partnerships/${P}/delete`,
      allowed: memberEditors,
    },
    {
      route: 'POST /partnerships/:slug/delete',
      url: async () => `/partnerships/${await sparePartnership(db())}/delete`,
      allowed: memberEditors,
    },
    {
      route: 'POST /partnerships/:slug/members',
      url: () => `/partnerships/${P}/members`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'GET /partnerships/:slug/members/:code/remove',
      url: () => `/partnerships/${P}/members/${MEMBER}/remove`,
      allowed: memberEditors,
    },
    {
      route: 'POST /partnerships/:slug/members/:code/remove',
      url: async () => `/partnerships/${await sparePartnership(db())}/members/E07000235/remove`,
      allowed: memberEditors,
    },
    {
      route: 'POST /partnerships/:slug/notes',
      url: () => `/partnerships/${P}/notes`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'GET /partnerships/:slug/projects/new',
      url: () => `/partnerships/${P}/projects/new`,
      allowed: memberEditors,
    },
    {
      route: 'POST /partnerships/:slug/projects/new',
      url: () => `/partnerships/${P}/projects/new`,
      allowed: memberEditors,
      payload: {},
    },
    { route: 'GET /projects/:id/edit', url: (f) => `/projects/${f.projectId}/edit`, allowed: memberEditors },
    {
      route: 'POST /projects/:id/edit',
      url: (f) => `/projects/${f.projectId}/edit`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'GET /projects/:id/delete',
      url: (f) => `/projects/${f.projectId}/delete`,
      allowed: memberEditors,
    },
    {
      route: 'POST /projects/:id/delete',
      url: async () => `/projects/${await spareProject(db())}/delete`,
      allowed: memberEditors,
    },
    {
      route: 'GET /partnerships/:slug/business-cases/new',
      url: () => `/partnerships/${P}/business-cases/new`,
      allowed: memberEditors,
    },
    {
      route: 'POST /partnerships/:slug/business-cases/new',
      url: () => `/partnerships/${P}/business-cases/new`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'GET /business-cases/:id/edit',
      url: (f) => `/business-cases/${f.caseId}/edit`,
      allowed: memberEditors,
    },
    {
      route: 'POST /business-cases/:id/edit',
      url: (f) => `/business-cases/${f.caseId}/edit`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'POST /opportunities/projects',
      url: () => '/opportunities/projects',
      allowed: memberEditors,
      payload: { partnership: P, opportunity: 'none' },
    },
    {
      route: 'PUT /api/v1/partnerships/:slug',
      url: () => `/api/v1/partnerships/${P}`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'PATCH /api/v1/partnerships/:slug',
      url: () => `/api/v1/partnerships/${P}`,
      allowed: memberEditors,
      payload: { kind: 'nope' },
    },
    {
      route: 'DELETE /api/v1/partnerships/:slug',
      url: async () => `/api/v1/partnerships/${await sparePartnership(db())}`,
      allowed: memberEditors,
    },
    {
      route: 'PUT /api/v1/partnerships/:slug/members/:code',
      url: () => `/api/v1/partnerships/${P}/members/E07000235`,
      allowed: memberEditors,
      payload: { role: 'nope' },
    },
    {
      route: 'DELETE /api/v1/partnerships/:slug/members/:code',
      url: async () => `/api/v1/partnerships/${await sparePartnership(db())}/members/E07000235`,
      allowed: memberEditors,
    },
    {
      route: 'POST /api/v1/partnerships/:slug/projects',
      url: () => `/api/v1/partnerships/${P}/projects`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'PUT /api/v1/projects/:id',
      url: (f) => `/api/v1/projects/${f.projectId}`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'PATCH /api/v1/projects/:id',
      url: (f) => `/api/v1/projects/${f.projectId}`,
      allowed: memberEditors,
      payload: { stage: 'nope' },
    },
    {
      route: 'DELETE /api/v1/projects/:id',
      url: async () => `/api/v1/projects/${await spareProject(db())}`,
      allowed: memberEditors,
    },
    // Valid cases, so that only the rights decide: an outsider's editor passes the first check
    // (editors may start cases) and must be stopped at the partnership the case names.
    {
      route: 'POST /api/v1/business-cases',
      url: () => '/api/v1/business-cases',
      allowed: memberEditors,
      payload: SHARED_REVENUES_CASE,
    },
    {
      route: 'PUT /api/v1/business-cases/:id',
      url: (f) => `/api/v1/business-cases/${f.caseId}`,
      allowed: memberEditors,
      payload: { ...SHARED_REVENUES_CASE, name: `${SECRET}CASE` },
    },
    {
      route: 'DELETE /api/v1/business-cases/:id',
      url: async () => `/api/v1/business-cases/${await makeBusinessCase(db())}`,
      allowed: memberEditors,
    },
    {
      route: 'GET /partnerships/:slug/benefits/new',
      url: () => `/partnerships/${P}/benefits/new`,
      allowed: memberEditors,
    },
    {
      route: 'POST /partnerships/:slug/benefits/new',
      url: () => `/partnerships/${P}/benefits/new`,
      allowed: memberEditors,
      payload: {},
    },
    { route: 'GET /benefits/:id/edit', url: (f) => `/benefits/${f.planId}/edit`, allowed: memberEditors },
    {
      route: 'POST /benefits/:id/edit',
      url: (f) => `/benefits/${f.planId}/edit`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'POST /benefits/:id/savings',
      url: (f) => `/benefits/${f.planId}/savings`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'POST /api/v1/partnerships/:slug/benefits',
      url: () => `/api/v1/partnerships/${P}/benefits`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'PUT /api/v1/benefits/:id',
      url: (f) => `/api/v1/benefits/${f.planId}`,
      allowed: memberEditors,
      payload: {},
    },
    {
      route: 'PUT /api/v1/benefits/:id/savings',
      url: (f) => `/api/v1/benefits/${f.planId}/savings`,
      allowed: memberEditors,
      payload: {},
    },
    // A spare token each time, so that the role's own token keeps working for the cases after.
    { route: 'GET /account/tokens/:id/revoke', url: spareToken, allowed: signedIn },
    { route: 'POST /account/tokens/:id/revoke', url: spareToken, allowed: signedIn },

    // The news summary: anyone reads and subscribes; editors write items; the newsroom publishes.
    { route: 'GET /news', url: () => '/news', allowed: everyone },
    { route: 'GET /news.atom', url: () => '/news.atom', allowed: everyone },
    { route: 'GET /news/:id', url: (f) => `/news/${f.newsId}`, allowed: everyone },
    { route: 'GET /api/v1/news', url: () => `/api/v1/news?partnership=${P}`, allowed: everyone },
    { route: 'GET /editions', url: () => '/editions', allowed: everyone },
    { route: 'GET /editions.atom', url: () => '/editions.atom', allowed: everyone },
    { route: 'GET /editions/:id', url: () => '/editions/1', allowed: everyone },
    { route: 'GET /subscribe', url: () => '/subscribe', allowed: everyone },
    { route: 'POST /subscribe', url: () => '/subscribe', allowed: everyone, payload: {} },
    {
      route: 'GET /subscribe/confirm/:secret',
      url: () => `/subscribe/confirm/${'x'.repeat(43)}`,
      allowed: everyone,
    },
    {
      route: 'POST /subscribe/confirm/:secret',
      url: () => `/subscribe/confirm/${'x'.repeat(43)}`,
      allowed: everyone,
    },
    { route: 'GET /unsubscribe/:token', url: () => `/unsubscribe/${'x'.repeat(43)}`, allowed: everyone },
    { route: 'POST /unsubscribe/:token', url: () => `/unsubscribe/${'x'.repeat(43)}`, allowed: everyone },
    { route: 'GET /news/new', url: () => '/news/new', allowed: editors },
    { route: 'POST /news/new', url: () => '/news/new', allowed: editors, payload: {} },
    { route: 'GET /news/:id/edit', url: (f) => `/news/${f.newsId}/edit`, allowed: editors },
    { route: 'POST /news/:id/edit', url: (f) => `/news/${f.newsId}/edit`, allowed: editors, payload: {} },
    {
      route: 'POST /news/:id/savings',
      url: (f) => `/news/${f.newsId}/savings`,
      allowed: memberEditors,
      payload: { partnership: P, amountPence: 1 },
    },
    { route: 'GET /editions/new', url: () => '/editions/new', allowed: siteAdministrators },
    { route: 'POST /editions/new', url: () => '/editions/new', allowed: siteAdministrators, payload: {} },
    {
      route: 'GET /editions/:id/edit',
      url: (f) => `/editions/${f.draftEditionId}/edit`,
      allowed: siteAdministrators,
    },
    {
      route: 'POST /editions/:id/edit',
      url: (f) => `/editions/${f.draftEditionId}/edit`,
      allowed: siteAdministrators,
      payload: {},
    },
    {
      route: 'POST /editions/:id/publish',
      url: (f) => `/editions/${f.draftEditionId}/publish`,
      allowed: siteAdministrators,
    },

    // Signing in and out: anyone; signing out last, as it ends the session.
    { route: 'POST /sign-in', url: () => '/sign-in', allowed: everyone, payload: {} },
    { route: 'POST /forgot-password', url: () => '/forgot-password', allowed: everyone, payload: {} },
    {
      route: 'POST /reset-password/:secret',
      url: () => `/reset-password/${'x'.repeat(43)}`,
      allowed: everyone,
      payload: {},
    },
    { route: 'POST /sign-out', url: () => '/sign-out', allowed: everyone },
  ];

  test('every route is in the matrix, and every route in the matrix is the app’s', () => {
    assert.deepEqual(cases.map((c) => c.route).sort(), Object.keys(POLICIES).sort());
    for (const route of Object.keys(POLICIES)) {
      const [method, url] = route.split(' ') as [string, string];
      assert.ok(app.hasRoute({ method: method as 'GET', url }), route);
    }
  });

  test('each visitor is allowed exactly what the rules allow, and sees nothing private it may not', async (t) => {
    let checked = 0;
    const wrong: string[] = [];
    for (const c of cases) {
      for (const role of ROLES) {
        const url = await c.url(fixture, role);
        const method = c.route.split(' ')[0] as 'GET';
        // A revoked token ends a role's API access; revoking runs with the rest, so tokens are renewed.
        const res = await clients
          .get(role)!
          .inject({ method, url, ...(c.payload ? { payload: c.payload } : {}) });
        const refused = res.statusCode === 403 || res.statusCode === 404 || res.statusCode === 401;
        const allowed = c.allowed.has(role);
        if (allowed === refused)
          wrong.push(`${c.route} as ${role}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        if (refused && ![403, 404].includes(res.statusCode))
          wrong.push(`${c.route} as ${role}: refused with ${res.statusCode}, not 403 or 404`);
        if (!readers.has(role) && (res.body.includes(SECRET) || /7,777|777700/.test(res.body)))
          wrong.push(`${c.route} as ${role}: shows a private record or figure`);
        if (
          !/frame-ancestors 'none'/.test(String(res.headers['content-security-policy'])) ||
          res.headers['x-frame-options'] !== 'DENY'
        )
          wrong.push(`${c.route} as ${role}: no security headers`);
        checked++;
      }
    }
    assert.deepEqual(wrong, []);
    t.diagnostic(`${checked} route × role cases checked (${cases.length} routes × ${ROLES.length} roles)`);
    assert.equal(checked, Object.keys(POLICIES).length * ROLES.length);
  });
});
