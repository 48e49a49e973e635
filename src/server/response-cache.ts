import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { today } from '../domain/dates.js';
import type { Database } from '../store/db.js';

/**
 * Pages and API answers that change only when the data does. Each is kept, for each viewer, until
 * the database's data version moves (every committed write moves it); many people loading the
 * dashboard cost one rendering, and on the embedded database a page kept is answered even while
 * an import holds the database. Routes that read anything but the database (the import queue, the
 * clock beyond the day) are not listed.
 */
export const KEPT_UNTIL_DATA_CHANGES = new Set([
  '/',
  '/bodies',
  '/bodies/:code',
  '/bodies/:code/partners',
  '/partnerships',
  '/partnerships/:slug',
  '/benefits/:id',
  '/suppliers',
  '/suppliers/:id',
  '/categories',
  '/opportunities',
  '/news',
  '/news/:id',
  '/editions',
  '/editions/:id',
  '/api/v1/bodies',
  '/api/v1/bodies/:code',
  '/api/v1/bodies/:code/partners',
  '/api/v1/partnerships',
  '/api/v1/partnerships/:slug',
  '/api/v1/benefits',
  '/api/v1/benefits/:id',
  '/api/v1/suppliers',
  '/api/v1/suppliers/:id',
  '/api/v1/opportunities',
  '/api/v1/news',
]);

/** Room for the answers kept, all viewers together, and how many; the oldest used go first. */
const KEPT_BYTES = 32 * 1024 * 1024;
const KEPT_ANSWERS = 5000;
/** Addresses longer than this are answered but not kept: no one's links are, and each is a key. */
const LONGEST_KEPT_URL = 1024;

/** The cookie holding the secret that a viewer's form tokens are made from. */
export const CSRF_COOKIE = 'pathfinder_csrf';

/**
 * A page is kept with these in place of its form token (the viewer's own), its script nonce (new for
 * each response) and its forms' one-time submission numbers (new each time a form is shown), put back
 * each time the page is sent. Random and never sent, so no text a user typed can stand for them.
 */
const FORM_TOKEN = `pf-form-token-${randomBytes(12).toString('hex')}`;
const NONCE = `pf-nonce-${randomBytes(12).toString('hex')}`;
const SUBMISSION = `pf-submission-${randomBytes(12).toString('hex')}`;
const STAND_INS = new RegExp(`(${FORM_TOKEN}|${NONCE}|${SUBMISSION})`);

interface Kept {
  version: number;
  /** The page cut at its stand-ins: odd places hold the stand-in to fill. */
  parts: string[];
  /** Memory it takes, key and all. */
  bytes: number;
  contentType: string;
  etag: string;
}

interface Slot {
  key: string;
  version: number;
  done: () => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    keptSlot: Slot | undefined;
  }
}

/** The form token to render into a page: a stand-in on a page being kept, the viewer's own otherwise. */
export function formToken(reply: FastifyReply): string {
  return reply.request.keptSlot ? FORM_TOKEN : reply.generateCsrf();
}

/** A form's one-time submission number (the server makes one job of a form however often it is sent), as formToken. */
export function newSubmission(reply: FastifyReply): string {
  return reply.request.keptSlot ? SUBMISSION : randomUUID();
}

/** The nonce of the page's inline script, as formToken. */
export function scriptNonce(reply: FastifyReply): string | undefined {
  return reply.request.keptSlot ? NONCE : nonceOf(reply);
}

const nonceOf = (reply: FastifyReply) =>
  (reply as FastifyReply & { cspNonce?: { script: string } }).cspNonce?.script;

/**
 * Registers the hooks; call after accessControl, whose onRequest hook finds the viewer. A page kept
 * for this viewer at this data version is sent before any other work (no database at all), with an
 * ETag, so a browser that holds it already gets 304 Not Modified.
 */
export function responseCache(app: FastifyInstance, db: Database) {
  const kept = new Map<string, Kept>();
  const underWay = new Map<string, Promise<void>>();
  let bytes = 0;
  const forget = (key: string) => {
    const entry = kept.get(key);
    if (!entry) return;
    bytes -= entry.bytes;
    kept.delete(key);
  };

  app.decorateRequest('keptSlot', undefined);

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || !KEPT_UNTIL_DATA_CHANGES.has(request.routeOptions.url ?? '')) return;
    if (request.url.length > LONGEST_KEPT_URL) return;
    const version = db.dataVersion();
    if (version === undefined) return;
    const key = keyOf(request);
    // Many asking at once for a page not yet kept wait for the first to work it out.
    const first = underWay.get(key);
    if (first) await first;
    const entry = kept.get(key);
    if (entry?.version === version) {
      kept.delete(key);
      kept.set(key, entry); // most recently used last
      return send(request, reply, entry);
    }
    forget(key);
    let done = () => {};
    const working = new Promise<void>((resolve) => (done = resolve));
    underWay.set(key, working);
    request.keptSlot = {
      key,
      version,
      done: () => {
        if (underWay.get(key) === working) underWay.delete(key);
        done();
      },
    };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const slot = request.keptSlot;
    if (!slot) return payload;
    slot.done();
    if (typeof payload !== 'string') return payload;
    const entry: Kept = {
      version: slot.version,
      parts: payload.split(STAND_INS),
      bytes: 2 * (payload.length + slot.key.length),
      contentType: String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8'),
      etag: `W/"${createHash('sha1').update(payload).digest('base64url')}"`,
    };
    // Error pages are sent as worked out, never kept.
    if (reply.statusCode !== 200) return personal(reply, entry);
    // A change committed while the page was worked out leaves it already out of date: not kept.
    if (db.dataVersion() === slot.version && entry.bytes < KEPT_BYTES / 8) {
      forget(slot.key);
      kept.set(slot.key, entry);
      bytes += entry.bytes;
      for (const old of kept.keys()) {
        if (bytes <= KEPT_BYTES && kept.size <= KEPT_ANSWERS) break;
        forget(old);
      }
    }
    headersFor(reply, entry);
    if (notModified(request, entry)) {
      notModifiedHeaders(reply.code(304));
      return '';
    }
    return personal(reply, entry);
  });

  // A request that fails before it is sent still lets those waiting behind it go on.
  app.addHook('onResponse', async (request) => request.keptSlot?.done());
}

/**
 * Who is asking, as far as it changes the answer: all that is known of the viewer (a change to their
 * account makes a new key as soon as it is read), or nobody.
 */
function keyOf(request: FastifyRequest) {
  return `${JSON.stringify(request.viewer ?? null)} ${day()} ${request.url}`;
}

/**
 * Pages that speak of this year or today are worked out again each day. The UK date is read once a
 * minute: working it out takes longer than sending a kept page.
 */
const dayRead = { value: '', until: 0 };
function day() {
  if (Date.now() >= dayRead.until) Object.assign(dayRead, { value: today(), until: Date.now() + 60_000 });
  return dayRead.value;
}

function headersFor(reply: FastifyReply, entry: Kept) {
  reply
    .header('content-type', entry.contentType)
    .header('etag', entry.etag)
    // Browsers keep the page but ask each time whether it is still the one to show.
    .header('cache-control', 'private, no-cache')
    .header('vary', 'Cookie, Authorization');
}

/**
 * Whether the browser holds this very page. A page with forms also needs the cookie its form token
 * was made from: a browser that lost it (a restart) is sent the page again, with a token and cookie
 * that work.
 */
function notModified(request: FastifyRequest, entry: Kept) {
  const asked = request.headers['if-none-match'];
  if (asked === undefined || !asked.split(/\s*,\s*/).includes(entry.etag)) return false;
  return !entry.parts.includes(FORM_TOKEN) || request.cookies[CSRF_COOKIE] !== undefined;
}

function send(request: FastifyRequest, reply: FastifyReply, entry: Kept) {
  headersFor(reply, entry);
  if (notModified(request, entry)) return notModifiedHeaders(reply.code(304)).send();
  return reply.send(personal(reply, entry));
}

/**
 * A browser told 304 keeps the page it holds, whose script carries an earlier nonce: it keeps that
 * page's policy too, rather than take one whose nonce would block the script.
 */
function notModifiedHeaders(reply: FastifyReply) {
  return reply.removeHeader('content-security-policy');
}

/** The page with this response's form token, script nonce and submission numbers in place of the stand-ins. */
function personal(reply: FastifyReply, entry: Kept) {
  if (entry.parts.length === 1) return entry.parts[0];
  let token: string | undefined;
  return entry.parts
    .map((part, i) => {
      if (i % 2 === 0) return part;
      if (part === NONCE) return nonceOf(reply) ?? '';
      if (part === SUBMISSION) return randomUUID();
      token ??= reply.generateCsrf();
      return token;
    })
    .join('');
}
