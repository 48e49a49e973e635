import { signedIn } from '../access.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  canGrantSiteAdmin,
  canManageUsers,
  ROLES,
  userInput,
  type UserInput,
  type Viewer,
} from '../../domain/access.js';
import { ForbiddenError } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import { type AccountMail, actorOf, inviteUser, sendLink, updateUser } from '../../services/accounts.js';
import { listBodyRefs } from '../../store/bodies.js';
import type { Database } from '../../store/db.js';
import { getUser, listUsers } from '../../store/users.js';
import { page } from '../page.js';
import { type Form, formErrors, problemsOf } from '../forms.js';
import { changesTo } from './audit.js';
import { flash } from './paging.js';

type ById = { Params: { id: string } };
const userId = z.coerce.number().int().positive();

function userFromForm(form: Form, viewer: NonNullable<Viewer>): unknown {
  return {
    email: form.email,
    name: form.name,
    // A body's administrator adds people to their own body only.
    bodyCode: viewer.siteAdmin ? form.bodyCode || undefined : viewer.bodyCode,
    role: form.role,
    siteAdmin: form.siteAdmin === 'yes',
    disabled: form.disabled === 'yes',
  };
}

/** Refuses a change the viewer may not make: to another body's users, or granting site administration. */
function checkGrant(viewer: Viewer, input: UserInput) {
  if (!canManageUsers(viewer, input.bodyCode) || (input.siteAdmin && !canGrantSiteAdmin(viewer)))
    throw new ForbiddenError('Your account cannot give these rights. Ask a site administrator.');
}

export function userPages(app: FastifyInstance, db: Database, mail: AccountMail) {
  app.get('/users', async (request, reply) => {
    const viewer = signedIn(request);
    return page(reply, 'users/list.njk', {
      title: viewer.siteAdmin ? 'Users' : `Users at ${viewer.bodyName}`,
      section: 'users',
      flash: flash(request.query),
      users: await listUsers(db, viewer.siteAdmin ? undefined : viewer.bodyCode),
    });
  });

  const form = async (reply: FastifyReply, context: Record<string, unknown>) =>
    page(reply, 'users/form.njk', {
      section: 'users',
      breadcrumbs: [{ text: 'Users', href: '/users' }],
      roles: ROLES,
      bodyOptions: reply.request.viewer?.siteAdmin ? await listBodyRefs(db) : undefined,
      errors: {},
      ...context,
    });

  app.get('/users/new', (_request, reply) =>
    form(reply, { title: 'Add a user', action: '/users/new', values: { role: 'viewer' } }),
  );

  app.post('/users/new', async (request, reply) => {
    const viewer = signedIn(request);
    const values = request.body as Form;
    try {
      const input = parseInput(userInput, userFromForm(values, viewer), 'user');
      checkGrant(viewer, input);
      // The same answer whether or not the address had an account elsewhere (see inviteUser).
      await inviteUser(db, viewer, input, mail);
      return reply.redirect('/users?done=user-invited', 303);
    } catch (error) {
      const problems = problemsOf(error, 'email');
      if (!problems) throw error;
      return form(reply.status(422), {
        title: 'Add a user',
        action: '/users/new',
        values,
        ...formErrors(problems),
      });
    }
  });

  const showUser = async (reply: FastifyReply, id: number, context: Record<string, unknown> = {}) => {
    const user = await getUser(db, id);
    return form(reply, {
      title: user.name,
      action: `/users/${id}`,
      user,
      values: {
        ...user,
        siteAdmin: user.siteAdmin ? 'yes' : '',
        disabled: user.disabled ? 'yes' : '',
      },
      flash: flash(reply.request.query),
      changes: await changesTo(db, reply.request.viewer, {
        recordType: 'user',
        recordKey: String(id),
      }),
      ...context,
    });
  };

  app.get<ById>('/users/:id', (request, reply) =>
    showUser(reply, parseInput(userId, request.params.id, 'user number')),
  );

  app.post<ById>('/users/:id', async (request, reply) => {
    const viewer = signedIn(request);
    const id = parseInput(userId, request.params.id, 'user number');
    const values = request.body as Form;
    try {
      const input = parseInput(userInput, userFromForm(values, viewer), 'user');
      checkGrant(viewer, input);
      await updateUser(db, actorOf(viewer), id, input);
      return reply.redirect(`/users/${id}?done=user-saved`, 303);
    } catch (error) {
      const problems = problemsOf(error, 'email');
      if (!problems) throw error;
      return showUser(reply.status(422), id, { values, ...formErrors(problems) });
    }
  });

  app.post<ById>('/users/:id/reset', async (request, reply) => {
    const id = parseInput(userId, request.params.id, 'user number');
    await sendLink(db, id, 'reset', mail);
    return reply.redirect(`/users/${id}?done=reset-sent`, 303);
  });
}
