import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canEditBodySpend,
  canEditDirectory,
  canEditPartnership,
  canEditShared,
  canManageUser,
  canManageUsers,
  canReadPrivate,
  membership,
  type Viewer,
} from '../../src/domain/access.js';
import { changedFields } from '../../src/domain/audit.js';

const person = (
  role: 'viewer' | 'editor' | 'administrator',
  extra: Partial<NonNullable<Viewer>> = {},
): Viewer => ({
  id: 1,
  email: 'a@b.test',
  name: 'A',
  bodyCode: 'E07000238',
  role,
  siteAdmin: false,
  via: 'session',
  scopes: ['read', 'write'],
  ...extra,
});
const members = ['E07000238', 'E07000235'];

test('members read a partnership’s private records; editors among them change them', () => {
  assert.equal(canReadPrivate(undefined, members), false);
  assert.equal(canReadPrivate(person('viewer'), members), true);
  assert.equal(canReadPrivate(person('viewer', { bodyCode: 'E08000009' }), members), false);
  assert.equal(canEditPartnership(person('viewer'), members), false);
  assert.equal(canEditPartnership(person('editor'), members), true);
  assert.equal(canEditPartnership(person('administrator', { bodyCode: 'E08000009' }), members), false);
  assert.equal(canEditPartnership(person('viewer', { siteAdmin: true, bodyCode: undefined }), members), true);
});

test('a token never does more than its scopes allow, and never manages accounts', () => {
  const readOnly = person('administrator', { via: 'token', scopes: ['read'] });
  assert.equal(canReadPrivate(readOnly, members), true);
  assert.equal(canEditPartnership(readOnly, members), false);
  assert.equal(canEditShared(readOnly), false);
  const writeOnly = person('administrator', { via: 'token', scopes: ['write'] });
  assert.equal(canReadPrivate(writeOnly, members), false);
  assert.deepEqual(membership(writeOnly), { all: false, bodyCode: null });
  assert.equal(canManageUsers(person('administrator', { via: 'token' }), 'E07000238'), false);
  assert.equal(canManageUsers(person('administrator'), 'E07000238'), true);
  assert.equal(canManageUsers(person('administrator'), 'E08000009'), false);
  const siteAdminAtTheBody = { bodyCode: 'E07000238', siteAdmin: true };
  assert.equal(
    canManageUser(person('administrator'), siteAdminAtTheBody),
    false,
    'nor demote a site administrator',
  );
  assert.equal(canManageUser(person('viewer', { siteAdmin: true }), siteAdminAtTheBody), true);
});

test('spend is imported by the body’s editors; the directory is the site administrators’', () => {
  assert.equal(canEditBodySpend(person('editor'), 'E07000238'), true);
  assert.equal(canEditBodySpend(person('editor'), 'E07000235'), false);
  assert.equal(canEditBodySpend(person('viewer'), 'E07000238'), false);
  assert.equal(canEditDirectory(person('administrator')), false);
  assert.equal(canEditDirectory(person('viewer', { siteAdmin: true })), true);
});

test('a change is described field by field, in words and pounds, ignoring the time it was made', () => {
  assert.deepEqual(
    changedFields(
      {
        name: 'Tri-Council',
        status: 'active',
        members: [
          { bodyCode: 'E10000021', bodyName: 'Northamptonshire County Council', role: 'lead' },
          { bodyCode: 'E10000003', bodyName: 'Cambridgeshire County Council', role: 'member' },
        ],
        runningPence: 1_060_000_000,
        oneOff: { method: 'equal' },
        phasing: [50, 100],
        projects: [],
        updatedAt: 'then',
      },
      {
        name: 'Tri-Council',
        status: 'ended',
        members: [
          { bodyCode: 'E10000021', bodyName: 'Northamptonshire County Council', role: 'lead' },
          { bodyCode: 'E06000062', bodyName: 'West Northamptonshire Council', role: 'member' },
        ],
        runningPence: 1_000_000_050,
        oneOff: { method: 'fixed' },
        phasing: [100, 50],
        updatedAt: 'now',
        endDate: '2026-03-31',
      },
    ),
    [
      { field: 'Status', before: 'active', after: 'ended' },
      { field: 'Members', before: 'Cambridgeshire County Council', after: 'West Northamptonshire Council' },
      { field: 'Running', before: '£10,600,000', after: '£10,000,000.50' },
      { field: 'One off', before: 'method equal', after: 'method fixed' },
      { field: 'Phasing', before: '50; 100', after: '100; 50' },
      { field: 'End date', before: '(none)', after: '2026-03-31' },
    ],
  );
  assert.deepEqual(changedFields(undefined, { text: 'x'.repeat(100) })[0]?.after.length, 80);
});
