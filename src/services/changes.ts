import { FULL_ACCESS } from '../domain/access.js';
import type { Action, Actor, RecordType } from '../domain/audit.js';
import { NotFoundError } from '../domain/errors.js';
import { recordChange } from '../store/audit.js';
import { bodyIdOf, getBody } from '../store/bodies.js';
import { getBenefitsPlan, realisedSavings } from '../store/benefits.js';
import { getBusinessCase } from '../store/business-cases.js';
import type { Sql } from '../store/db.js';
import { partnershipId } from '../store/keys.js';
import { getPartnership } from '../store/partnerships.js';
import { listPriceIndices } from '../store/price-indices.js';
import { getProject } from '../store/projects.js';
import { getSupplier } from '../store/suppliers.js';
import { getUser } from '../store/users.js';
import { getEdition, getNewsItem } from '../store/news.js';
import { editionTitle, newsItemToInput } from '../domain/news.js';

/** A record as the audit trail keeps it: its whole state, its name, and who may read the change. */
interface Snapshot {
  name: string;
  data: unknown;
  partnershipId?: number;
  bodyId?: number;
}

const orNothing = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
};

/** How to read each kind of record whose changes are kept with before-and-after snapshots. */
const SNAPSHOTS: Partial<Record<RecordType, (sql: Sql, key: string) => Promise<Snapshot | undefined>>> = {
  body: async (sql, code) => {
    const body = await orNothing(() => getBody(sql, code));
    return body && { name: body.name, data: body };
  },
  partnership: async (sql, slug) => {
    const p = await orNothing(() => getPartnership(sql, slug, FULL_ACCESS));
    return p && { name: p.name, data: p, partnershipId: await partnershipId(sql, slug) };
  },
  project: async (sql, id) => {
    const project = await orNothing(() => getProject(sql, Number(id), FULL_ACCESS));
    return (
      project && {
        name: project.name,
        data: project,
        partnershipId: await partnershipId(sql, project.partnershipSlug),
      }
    );
  },
  business_case: async (sql, id) => {
    const c = await orNothing(() => getBusinessCase(sql, Number(id)));
    return (
      c && { name: c.input.name, data: c.input, partnershipId: await partnershipId(sql, c.partnershipSlug) }
    );
  },
  // A plan with the savings recorded against it: recording a saving changes the plan's record.
  benefits_plan: async (sql, id) => {
    const plan = await orNothing(() => getBenefitsPlan(sql, Number(id)));
    return (
      plan && {
        name: plan.input.name,
        data: { ...plan.input, savings: await realisedSavings(sql, [plan.id]) },
        partnershipId: plan.partnershipId,
      }
    );
  },
  price_index: async (sql, series) => {
    const index = (await listPriceIndices(sql)).find((i) => i.series === series);
    return index && { name: `${index.series}: ${index.title}`, data: index };
  },
  supplier: async (sql, id) => {
    const s = await orNothing(() => getSupplier(sql, Number(id)));
    return s && { name: s.name, data: { name: s.name, names: s.names.map((n) => n.name) } };
  },
  news_item: async (sql, id) => {
    const item = await orNothing(() => getNewsItem(sql, Number(id)));
    return item && { name: item.headline, data: newsItemToInput(item) };
  },
  edition: async (sql, id) => {
    const e = await orNothing(() => getEdition(sql, Number(id)));
    return (
      e && {
        name: editionTitle(e.weekOf),
        data: {
          ...e,
          sections: e.sections.map((s) => ({ section: s.section, items: s.items.map((i) => i.id) })),
        },
      }
    );
  },
  user: async (sql, id) => {
    const u = await orNothing(() => getUser(sql, Number(id)));
    if (!u) return undefined;
    const { email, name, bodyCode, role, siteAdmin, disabled } = u;
    const bodyId = await bodyIdOf(sql, bodyCode);
    return {
      name: `${name} <${email}>`,
      data: { email, name, bodyCode, role, siteAdmin, disabled },
      ...(bodyId ? { bodyId } : {}),
    };
  },
};

export interface AuditedChange<R> {
  action: Action;
  record: RecordType;
  /** The record's key before the change; omitted for a record the change creates. */
  key?: string | undefined;
  /** The record's key after the change, when the change makes or renames it. */
  keyOf?: (result: R) => string;
}

/**
 * Makes a change and records it in the audit trail in the same transaction, with the record as it
 * was before and after: a change that fails leaves neither the record nor the trail touched.
 */
export async function audited<R>(
  db: Sql,
  actor: Actor,
  spec: AuditedChange<R>,
  change: (tx: Sql) => Promise<R>,
): Promise<R> {
  const snapshot = SNAPSHOTS[spec.record];
  if (!snapshot) throw new Error(`No snapshot is defined for ${spec.record} records`);
  return db.transaction(async (tx) => {
    const before = spec.key === undefined ? undefined : await snapshot(tx, spec.key);
    const result = await change(tx);
    const key = spec.keyOf?.(result) ?? spec.key ?? '';
    const after = spec.action === 'delete' ? undefined : await snapshot(tx, key);
    const either = after ?? before;
    await recordChange(tx, actor, {
      action: spec.action,
      recordType: spec.record,
      recordKey: key,
      recordName: either?.name ?? key,
      partnershipId: either?.partnershipId,
      bodyId: either?.bodyId,
      before: before?.data,
      after: after?.data,
    });
    return result;
  });
}
