import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { auditReader, membership, type Viewer } from '../../domain/access.js';
import { ACTIONS, type AuditEvent, changedFields, RECORD_TYPES } from '../../domain/audit.js';
import { oneOf } from '../../domain/codes.js';
import { parseInput } from '../../domain/validation.js';
import type { Table } from '../../export/table.js';
import { type AuditFilter, listChanges } from '../../store/audit.js';
import type { Database } from '../../store/db.js';
import { getPartnership } from '../../store/partnerships.js';
import { page } from '../page.js';
import { sendTables } from '../downloads.js';

/** Each change with what it changed, field by field, for the history tables. */
const withFields = (events: AuditEvent[]) =>
  events.map((e) => ({ ...e, fields: changedFields(e.before, e.after) }));

/** A record's changes as its page shows them: those the viewer may read, field by field; none to a visitor. */
export async function changesTo(db: Database, viewer: Viewer, filter: AuditFilter) {
  return viewer ? withFields(await listChanges(db, auditReader(viewer), filter)) : [];
}

const auditQuery = z.object({
  recordType: z.preprocess((v) => v || undefined, oneOf(RECORD_TYPES, 'Unknown kind of record').optional()),
  recordKey: z.preprocess((v) => v || undefined, z.string().max(100).optional()),
  format: z.enum(['html', 'csv', 'xlsx']).default('html'),
});

/** The audit trail as a table: one row per change, with the whole record before and after. */
function auditTable(events: AuditEvent[]): Table {
  return {
    name: 'changes',
    title: 'Changes',
    header: ['When', 'Who', 'Action', 'Record type', 'Record', 'Name', 'Fields changed', 'Before', 'After'],
    rows: events.map((e) => [
      e.at,
      e.actor,
      ACTIONS[e.action] ?? e.action,
      RECORD_TYPES[e.recordType] ?? e.recordType,
      e.recordKey,
      e.recordName,
      changedFields(e.before, e.after)
        .map((f) => f.field)
        .join(', '),
      e.before === undefined ? '' : JSON.stringify(e.before),
      e.after === undefined ? '' : JSON.stringify(e.after),
    ]),
  };
}

export function auditPages(app: FastifyInstance, db: Database) {
  app.get('/audit', async (request, reply) => {
    const { format, ...filter } = parseInput(auditQuery, request.query, 'filter');
    const events = await listChanges(db, auditReader(request.viewer), {
      ...filter,
      limit: format === 'html' ? 200 : 100_000,
    });
    if (format !== 'html') return sendTables(reply, [auditTable(events)], format, 'pathfinder');
    return page(reply, 'audit/list.njk', {
      title: 'Changes',
      section: 'audit',
      filter,
      events: withFields(events),
      query: new URLSearchParams(
        Object.entries(filter).filter(([, v]) => v) as [string, string][],
      ).toString(),
    });
  });

  app.get<{ Params: { slug: string } }>('/partnerships/:slug/history', async (request, reply) => {
    const p = await getPartnership(db, request.params.slug, membership(request.viewer));
    const { format } = parseInput(auditQuery, request.query, 'filter');
    const events = await listChanges(db, auditReader(request.viewer), {
      partnershipSlug: p.slug,
      limit: 100_000,
    });
    if (format !== 'html') return sendTables(reply, [auditTable(events)], format, `${p.slug}`);
    return page(reply, 'audit/list.njk', {
      title: `Changes to ${p.name}`,
      section: 'partnerships',
      breadcrumbs: [
        { text: 'Partnerships', href: '/partnerships' },
        { text: p.name, href: `/partnerships/${p.slug}` },
      ],
      events: withFields(events),
      exportPath: `/partnerships/${p.slug}/history`,
    });
  });
}
