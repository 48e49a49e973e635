import {
  addMonths,
  benefitsPlanInput,
  type RealisedSavingInput,
  realisedSavingInput,
} from '../domain/benefits.js';
import { thisMonth } from '../domain/dates.js';
import { InputError } from '../domain/errors.js';
import type { PriceSeries } from '../domain/price-index.js';
import { parseInput } from '../domain/validation.js';
import { getBenefitsPlan, saveBenefitsPlan, saveRealisedSaving } from '../store/benefits.js';
import { savePriceSeries } from '../store/price-indices.js';
import type { Actor, RecordType } from '../domain/audit.js';
import type { BodyInput } from '../domain/bodies.js';
import type { BusinessCaseInput } from '../domain/business-case/input.js';
import { EXCLUSION_REASONS, type ExclusionReason } from '../domain/addressable.js';
import { CATEGORIES, type Category } from '../domain/categories.js';
import type { MemberRole, PartnershipInput, ProjectInput } from '../domain/partnerships.js';
import type { RegisterDocument } from '../domain/register.js';
import { recordChange } from '../store/audit.js';
import { deleteBody, type SaveMode, saveBody } from '../store/bodies.js';
import { deleteBusinessCase, saveBusinessCase } from '../store/business-cases.js';
import type { Sql } from '../store/db.js';
import { addNote } from '../store/notes.js';
import {
  deletePartnership,
  getPartnership,
  removeMember,
  savePartnership,
  setMember,
} from '../store/partnerships.js';
import { partnershipId } from '../store/keys.js';
import { deleteProject, saveProject } from '../store/projects.js';
import { confirmCategory, labelText } from '../store/categories.js';
import { confirmExclusion, type ExclusionSubject } from '../store/exclusions.js';
import { rebuildAnalysisCube } from '../store/analysis-cube.js';
import { payeeNames } from '../store/suppliers.js';
import { decideReview, mergeSuppliers, splitPayee } from './suppliers.js';
import { importRegister } from '../store/register.js';
import { type AuditedChange, audited } from './changes.js';
import { FULL_ACCESS } from '../domain/access.js';
import { ConflictError } from '../domain/errors.js';
import type { EditionInput, NewsItemInput } from '../domain/news.js';
import { partnershipToInput } from '../domain/partnerships.js';
import { getNewsItem, publishEdition, saveEdition, saveNewsItem } from '../store/news.js';

/**
 * Every change people make to the register (bodies, partnerships, projects, business cases, benefits
 * plans and the savings recorded against them, notes, price indices)
 * and to shared spend records (supplier matches, categories) goes through here, so that each is
 * kept in the audit trail with who made it and the record before and after. Pages, the API and the
 * CLI all call these.
 */

/** The audit spec of a save that makes a new numbered record, or changes the one numbered `id`. */
const newOrNumbered = (record: RecordType, id: number | undefined): AuditedChange<number> => ({
  action: id === undefined ? 'create' : 'update',
  record,
  key: id?.toString(),
  keyOf: String,
});

export const saveBodyRecord = (db: Sql, actor: Actor, input: BodyInput, mode: SaveMode) =>
  audited(
    db,
    actor,
    {
      action: 'create' in mode ? 'create' : 'update',
      record: 'body',
      key: 'update' in mode ? mode.update : undefined,
      keyOf: () => input.code.toUpperCase(),
    },
    (tx) => saveBody(tx, input, mode),
  );

export const deleteBodyRecord = (db: Sql, actor: Actor, code: string) =>
  audited(db, actor, { action: 'delete', record: 'body', key: code.toUpperCase() }, (tx) =>
    deleteBody(tx, code),
  );

export const savePartnershipRecord = (
  db: Sql,
  actor: Actor,
  input: PartnershipInput,
  mode: { create: true } | { update: string },
) =>
  audited(
    db,
    actor,
    {
      action: 'create' in mode ? 'create' : 'update',
      record: 'partnership',
      key: 'update' in mode ? mode.update : undefined,
      keyOf: (r: { slug: string }) => r.slug,
    },
    (tx) => savePartnership(tx, input, mode),
  );

export const deletePartnershipRecord = (db: Sql, actor: Actor, slug: string) =>
  audited(db, actor, { action: 'delete', record: 'partnership', key: slug }, (tx) =>
    deletePartnership(tx, slug),
  );

export const setMemberRecord = (db: Sql, actor: Actor, slug: string, bodyCode: string, role: MemberRole) =>
  audited(db, actor, { action: 'update', record: 'partnership', key: slug }, (tx) =>
    setMember(tx, slug, bodyCode, role),
  );

export const removeMemberRecord = (db: Sql, actor: Actor, slug: string, bodyCode: string) =>
  audited(db, actor, { action: 'update', record: 'partnership', key: slug }, (tx) =>
    removeMember(tx, slug, bodyCode),
  );

export const addProjectRecord = (db: Sql, actor: Actor, slug: string, input: ProjectInput) =>
  audited(db, actor, { action: 'create', record: 'project', keyOf: String }, (tx) =>
    saveProject(tx, input, { partnership: slug }),
  );

export const updateProjectRecord = (db: Sql, actor: Actor, id: number, input: ProjectInput) =>
  audited(db, actor, { action: 'update', record: 'project', key: String(id) }, (tx) =>
    saveProject(tx, input, { update: id }),
  );

export const deleteProjectRecord = (db: Sql, actor: Actor, id: number) =>
  audited(db, actor, { action: 'delete', record: 'project', key: String(id) }, (tx) => deleteProject(tx, id));

export const saveBusinessCaseRecord = (db: Sql, actor: Actor, input: BusinessCaseInput, id?: number) =>
  audited(db, actor, newOrNumbered('business_case', id), (tx) => saveBusinessCase(tx, input, id));

export const deleteBusinessCaseRecord = (db: Sql, actor: Actor, id: number) =>
  audited(db, actor, { action: 'delete', record: 'business_case', key: String(id) }, (tx) =>
    deleteBusinessCase(tx, id),
  );

/** A note for the partnership's members; notes are added, never edited, so the note is its own record. */
export const addNoteRecord = (db: Sql, actor: Actor, slug: string, text: string) =>
  db.transaction(async (tx) => {
    const pid = await partnershipId(tx, slug);
    const id = await addNote(tx, pid, actor, text);
    await recordChange(tx, actor, {
      action: 'create',
      recordType: 'note',
      recordKey: String(id),
      recordName: text.slice(0, 60),
      partnershipId: pid,
      after: { text },
    });
    return id;
  });

/** Loads a whole register document; the trail keeps what was loaded, not each record's before. */
export const importRegisterRecord = (db: Sql, actor: Actor, doc: RegisterDocument) =>
  db.transaction(async (tx) => {
    const result = await importRegister(tx, doc);
    await recordChange(tx, actor, {
      action: 'import',
      recordType: 'register',
      recordKey: 'register',
      recordName: `${doc.bodies.length} bodies and ${doc.partnerships.length} partnerships`,
      after: result,
    });
    return result;
  });

/** Two suppliers are one: kept as a change to the supplier merged into, with its names before and after. */
export const mergeSuppliersRecord = (db: Sql, actor: Actor, id: number, into: number) =>
  audited(db, actor, { action: 'merge', record: 'supplier', key: String(into) }, (tx) =>
    mergeSuppliers(tx, id, into),
  );

export const splitPayeeRecord = (db: Sql, actor: Actor, supplierId: number, payeeId: number) =>
  audited(db, actor, { action: 'split', record: 'supplier', key: String(supplierId) }, (tx) =>
    splitPayee(tx, supplierId, payeeId),
  );

export const decideReviewRecord = (db: Sql, actor: Actor, a: number, b: number, same: boolean) =>
  db.transaction(async (tx) => {
    const names = await payeeNames(tx, [a, b]);
    await decideReview(tx, a, b, same);
    await recordChange(tx, actor, {
      action: 'review',
      recordType: 'supplier',
      recordKey: `${a}-${b}`,
      recordName: names.join(' / '),
      after: { names, same },
    });
  });

export const confirmCategoryRecord = (
  db: Sql,
  actor: Actor,
  bodyCode: string,
  labelId: number,
  category: Category,
) =>
  db.transaction(async (tx) => {
    await confirmCategory(tx, bodyCode, labelId, category);
    await recordChange(tx, actor, {
      action: 'update',
      recordType: 'category',
      recordKey: `${bodyCode}:${labelId}`,
      recordName: `${(await labelText(tx, labelId)) ?? labelId} at ${bodyCode}`,
      after: { category: `${category} ${CATEGORIES[category]}` },
    });
  });

/** A person overrides whether a payee's or an expense type's spend is addressable (reason null) or why not. */
export const confirmExclusionRecord = (
  db: Sql,
  actor: Actor,
  subject: ExclusionSubject,
  id: number,
  reason: ExclusionReason | null,
) =>
  db.transaction(async (tx) => {
    const { name, before, bodyIds } = await confirmExclusion(tx, subject, id, reason);
    await rebuildAnalysisCube(tx, bodyIds);
    const words = (r: ExclusionReason | null) => (r ? `Left out: ${EXCLUSION_REASONS[r]}` : 'Addressable');
    await recordChange(tx, actor, {
      action: 'update',
      recordType: 'exclusion',
      recordKey: `${subject}:${id}`,
      recordName: name,
      before: { decision: words(before) },
      after: { decision: words(reason) },
    });
  });

export const saveNewsItemRecord = (db: Sql, actor: Actor, input: NewsItemInput, id?: number) =>
  audited(db, actor, newOrNumbered('news_item', id), (tx) => saveNewsItem(tx, input, id));

/**
 * A savings figure a news item reports becomes a claim on the partnership it is about, with the
 * item's article as its source.
 */
export const claimSavingsFromNews = (
  db: Sql,
  actor: Actor,
  itemId: number,
  slug: string,
  amountPence: number,
) =>
  db.transaction(async (tx) => {
    const item = await getNewsItem(tx, itemId);
    const current = partnershipToInput(await getPartnership(tx, slug, FULL_ACCESS));
    const claim = {
      amountPence,
      period: `reported ${item.publishedOn}`,
      description: `${item.headline} (${item.source})`,
      sourceUrl: item.url,
      status: 'claimed' as const,
      confidential: false,
    };
    if (current.savingsClaims.some((c) => c.sourceUrl === claim.sourceUrl && c.amountPence === amountPence))
      throw new ConflictError('The partnership already has this saving from this article');
    return savePartnershipRecord(
      tx,
      actor,
      { ...current, savingsClaims: [...current.savingsClaims, claim] },
      {
        update: slug,
      },
    );
  });

export const saveEditionRecord = (db: Sql, actor: Actor, input: EditionInput, id?: number) =>
  audited(db, actor, newOrNumbered('edition', id), (tx) => saveEdition(tx, input, id));

export const publishEditionRecord = (db: Sql, actor: Actor, id: number) =>
  audited(db, actor, { action: 'publish', record: 'edition', key: String(id) }, (tx) =>
    publishEdition(tx, id),
  );

export const saveBenefitsPlanRecord = (db: Sql, actor: Actor, slug: string, raw: unknown, id?: number) => {
  const input = parseInput(benefitsPlanInput, raw, 'benefits plan');
  return audited(db, actor, newOrNumbered('benefits_plan', id), (tx) =>
    saveBenefitsPlan(tx, slug, input, id),
  );
};

/** A partner's realised saving for a plan year; the partner must be one of the plan's. */
export const recordRealisedSaving = (db: Sql, actor: Actor, planId: number, raw: unknown) => {
  const input: RealisedSavingInput = parseInput(realisedSavingInput, raw, 'realised saving');
  return audited(
    db,
    actor,
    { action: 'update', record: 'benefits_plan', key: String(planId) },
    async (tx) => {
      const plan = await getBenefitsPlan(tx, planId);
      const partner = plan.input.partners.find((p) => p.bodyCode === input.bodyCode);
      if (!partner)
        throw new InputError('The body is not a partner in this plan', [
          { field: 'bodyCode', message: `${input.bodyCode} has no planned saving in this plan` },
        ]);
      if (input.year > partner.plannedPence.length)
        throw new InputError('The year is after the plan’s last', [
          { field: 'year', message: `The plan runs to year ${partner.plannedPence.length}` },
        ]);
      const starts = addMonths(plan.input.goLive, 12 * (input.year - 1));
      if (starts > thisMonth())
        throw new InputError('The year has not begun', [
          {
            field: 'year',
            message: `Year ${input.year} starts in ${starts}: record its saving once it has begun`,
          },
        ]);
      await saveRealisedSaving(tx, planId, input, actor.name);
      return planId;
    },
  );
};

/** Loads a price index (ONS's CSV layout), replacing the series held under its identifier. */
export const loadPriceIndexRecord = (db: Sql, actor: Actor, s: PriceSeries, fileName: string) =>
  audited(db, actor, { action: 'import', record: 'price_index', key: s.series }, async (tx) => {
    await savePriceSeries(tx, s, fileName);
    return s.series;
  });
