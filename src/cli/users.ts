import { createInterface } from 'node:readline/promises';
import { Option } from 'commander';
import { password as passwordRule, ROLES, userInput } from '../domain/access.js';
import { NotFoundError } from '../domain/errors.js';
import type { Actor } from '../domain/audit.js';
import { parseInput } from '../domain/validation.js';
import { addUser, choosePassword, oneTimeLink } from '../services/accounts.js';
import type { Database } from '../store/db.js';
import type { Cli } from './context.js';
import { clearFailedSignIns, countUsers, findUserByEmail, listUsers } from '../store/users.js';

/** The address links printed by the CLI point at: the server's public address. */
export const baseUrl = () =>
  process.env.PATHFINDER_BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;

/** `pathfinder users add|list|reset`: accounts managed on the server itself, by its operator. */
export function usersCommands({ program, withDatabase, operator }: Cli) {
  const users = program.command('users').description('accounts: add, list and reset them');

  users
    .command('add')
    .description('add a user and print a one-time link for them to choose a password')
    .requiredOption('--email <address>', 'their e-mail address')
    .requiredOption('--name <name>', 'their name')
    .option('--body <code>', 'the body they work for')
    .addOption(new Option('--role <role>', 'what they may do').choices(Object.keys(ROLES)).default('viewer'))
    .option('--site-admin', 'also a site administrator (manages the directory and every body)')
    .action((o: { email: string; name: string; body?: string; role: string; siteAdmin?: boolean }) =>
      withDatabase(async (db) => {
        const input = parseInput(
          userInput,
          { email: o.email, name: o.name, bodyCode: o.body, role: o.role, siteAdmin: o.siteAdmin ?? false },
          'user',
        );
        const id = await addUser(db, operator, input);
        console.log(
          `Added ${input.email}. Send them this link to choose a password (it works once, for 7 days):`,
        );
        console.log(await oneTimeLink(db, id, 'invitation', baseUrl()));
      }),
    );

  users
    .command('list')
    .description('list users, of one body or all')
    .option('--body <code>', 'only this body’s users')
    .action((o: { body?: string }) =>
      withDatabase(async (db) => {
        for (const u of await listUsers(db, o.body?.toUpperCase())) {
          const state = u.disabled
            ? 'disabled'
            : !u.hasPassword
              ? 'invited'
              : u.lockedUntil
                ? 'locked'
                : 'active';
          console.log(
            [u.email, u.name, u.bodyCode ?? '-', u.role + (u.siteAdmin ? ' + site admin' : ''), state].join(
              '\t',
            ),
          );
        }
      }),
    );

  users
    .command('reset')
    .description('unlock an account and print a one-time link to choose a new password')
    .argument('<email>', 'the account’s e-mail address')
    .action((email: string) =>
      withDatabase(async (db) => {
        const user = await findUserByEmail(db, email);
        if (!user) throw new NotFoundError(`No account has the address ${email}`);
        await clearFailedSignIns(db, user.email);
        console.log(
          `${user.email} is unlocked. Send them this link to choose a new password (it works once, for 1 hour):`,
        );
        console.log(await oneTimeLink(db, user.id, 'reset', baseUrl()));
      }),
    );
}

/**
 * With no accounts yet, makes the first site administrator: from PATHFINDER_ADMIN_EMAIL and
 * PATHFINDER_ADMIN_PASSWORD, or by asking at the terminal (then printing a link to choose the
 * password in the browser, so it is never typed into a terminal). Without either, says how.
 */
export async function ensureFirstAdministrator(db: Database, operator: Actor) {
  if ((await countUsers(db)) > 0) return;
  const fromEnvironment = process.env.PATHFINDER_ADMIN_EMAIL;
  let email = fromEnvironment;
  if (!email && process.stdin.isTTY) {
    const terminal = createInterface({ input: process.stdin, output: process.stdout });
    email = (
      await terminal.question(
        'No one can sign in yet. E-mail address of the first site administrator (Enter to skip): ',
      )
    ).trim();
    terminal.close();
  }
  if (!email) {
    console.log(
      'No accounts yet: everything public works, but nobody can sign in. Set PATHFINDER_ADMIN_EMAIL (and PATHFINDER_ADMIN_PASSWORD) or run "pathfinder users add --site-admin".',
    );
    return;
  }
  // Named after the address until they give a name; "a@…" is too short to be one.
  const local = email.split('@')[0] ?? '';
  const input = parseInput(
    userInput,
    { email, name: local.length >= 2 ? local : 'Site administrator', role: 'administrator', siteAdmin: true },
    'first administrator',
  );
  const id = await addUser(db, operator, input);
  const password = fromEnvironment ? process.env.PATHFINDER_ADMIN_PASSWORD : undefined;
  if (password) {
    await choosePassword(db, id, parseInput(passwordRule, password, 'PATHFINDER_ADMIN_PASSWORD'));
    console.log(
      `Made ${input.email} the first site administrator, with the password from PATHFINDER_ADMIN_PASSWORD.`,
    );
  } else {
    console.log(
      `Made ${input.email} the first site administrator. Choose their password here (the link works once, for 7 days):`,
    );
    console.log(await oneTimeLink(db, id, 'invitation', baseUrl()));
  }
}
