import type { FastifyInstance, InjectOptions } from 'fastify';
import type { TokenScope } from '../../src/domain/access.js';
import { type AccountMail, issueApiToken } from '../../src/services/accounts.js';
import type { Message } from '../../src/services/mail.js';
import type { Database } from '../../src/store/db.js';
import { getUser } from '../../src/store/users.js';
import { makeUser, PASSWORD } from './factories.js';

/** Cookies as a browser keeps them: the latest value of each, sent back with every request. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(setCookie: string | string[] | undefined) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (!pair || at < 0) continue;
      const value = pair.slice(at + 1);
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), value);
    }
  }

  get(name: string) {
    return this.cookies.get(name);
  }

  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The form token a page carries, as a browser would submit it. */
export const csrfTokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/**
 * A signed-in visitor: pages get the session cookie and, for changes, the form token (sent in the
 * query string, which every form route accepts, so tests need not add it to each payload); API
 * calls get an API token with every scope, as a script would.
 */
export class Client {
  constructor(
    private readonly app: FastifyInstance,
    readonly jar: CookieJar,
    private readonly csrf: string,
    private readonly token?: string,
  ) {}

  async inject(options: InjectOptions | string) {
    const o: InjectOptions = typeof options === 'string' ? { url: options } : { ...options };
    const url = String(o.url);
    const api = url.startsWith('/api/');
    const unsafe = !['GET', 'HEAD', undefined].includes(o.method as string | undefined);
    o.headers = { ...o.headers, cookie: this.jar.header() };
    if (api && this.token) o.headers.authorization = `Bearer ${this.token}`;
    if (!api && unsafe)
      o.url = `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(this.csrf)}`;
    const res = await this.app.inject(o);
    this.jar.take(res.headers['set-cookie']);
    return res;
  }
}

/** Signs in through the real sign-in form and returns the browser-like client. */
export async function signIn(
  app: FastifyInstance,
  db: Database,
  email: string,
  options: { password?: string; scopes?: TokenScope[] } = {},
): Promise<Client> {
  const jar = new CookieJar();
  const form = await app.inject('/sign-in');
  jar.take(form.headers['set-cookie']);
  const csrf = csrfTokenIn(form.body) as string;
  const res = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: jar.header() },
    payload: { email, password: options.password ?? PASSWORD, _csrf: csrf },
  });
  if (res.statusCode !== 303) throw new Error(`Signing in as ${email} failed: ${res.statusCode}`);
  jar.take(res.headers['set-cookie']);
  const [id] = (await db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email])).map(
    (r) => r.id,
  );
  const token = await issueApiToken(
    db,
    await getUser(db, id as number),
    'tests',
    options.scopes ?? ['read', 'write'],
  );
  return new Client(app, jar, csrf, token);
}

/** A site administrator's client: for tests of what Pathfinder does rather than who may do it. */
export async function asSiteAdministrator(app: FastifyInstance, db: Database): Promise<Client> {
  await makeUser(db, { email: 'admin@pathfinder.test', role: 'administrator', siteAdmin: true });
  return signIn(app, db, 'admin@pathfinder.test');
}

/** A visitor who has not signed in, with the form token any visitor's browser gets. */
export async function anonymous(app: FastifyInstance): Promise<Client> {
  const jar = new CookieJar();
  const form = await app.inject('/sign-in');
  jar.take(form.headers['set-cookie']);
  return new Client(app, jar, csrfTokenIn(form.body) as string);
}

/** E-mail that goes nowhere but is kept, for tests that do not need a real SMTP server. */
export function quietMail(sent: Message[] = []): AccountMail {
  return {
    baseUrl: 'http://pathfinder.test',
    mailer: {
      async send(message) {
        sent.push(message);
      },
      close() {},
    },
  };
}
