import type { Body } from '../domain/bodies.js';
import type { NewsItemInput } from '../domain/news.js';
import { ConflictError, InputError, type Problem } from '../domain/errors.js';
import { type Partnership, type Project, partnershipToInput } from '../domain/partnerships.js';

/**
 * HTML forms send text; these turn a submitted form into the shape the shared schemas check,
 * and a stored record back into form values. Validation itself stays in the schemas.
 */
export type Form = Record<string, string | string[] | undefined>;

const text = (v: Form[string]) => (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
const optionalText = (v: Form[string]) => text(v) || undefined;
const codes = (v: Form[string]) =>
  text(v)
    .split(/[\s,;]+/)
    .filter(Boolean);
const all = (v: Form[string]) => (Array.isArray(v) ? v : v ? [v] : []);

/** A number typed with thousands separators is still a number; anything else is left for the schema to refuse. */
function wholeNumber(v: Form[string]): number | string | undefined {
  const raw = text(v);
  if (!raw) return undefined;
  const digits = raw.replaceAll(',', '');
  return /^-?\d+$/.test(digits) ? Number(digits) : raw;
}

export function bodyFromForm(form: Form) {
  return {
    code: text(form.code),
    name: text(form.name),
    kind: optionalText(form.kind),
    nation: optionalText(form.nation),
    region: optionalText(form.region),
    parentCode: optionalText(form.parentCode),
    population: wholeNumber(form.population),
    startDate: optionalText(form.startDate),
    endDate: optionalText(form.endDate),
    successorCodes: codes(form.successorCodes),
    neighbourCodes: codes(form.neighbourCodes),
    altNames: text(form.altNames)
      .split(/\r?\n/)
      .map((n) => n.trim())
      .filter(Boolean),
  };
}

export function bodyToForm(body: Body): Form {
  return {
    code: body.code,
    name: body.name,
    kind: body.kind,
    nation: body.nation,
    region: body.region,
    parentCode: body.parent?.code,
    population: body.population?.toString(),
    startDate: body.startDate,
    endDate: body.endDate,
    successorCodes: body.successors.map((s) => s.code).join(', '),
    neighbourCodes: body.neighbours.map((s) => s.code).join(', '),
    altNames: body.altNames.join('\n'),
  };
}

/** The form edits a partnership's own fields; members, governance, funding and savings are kept. */
export function partnershipFromForm(form: Form, existing?: Partnership) {
  return {
    ...(existing ? partnershipToInput(existing) : {}),
    name: text(form.name),
    kind: optionalText(form.kind),
    status: optionalText(form.status),
    startDate: optionalText(form.startDate),
    endDate: optionalText(form.endDate),
    description: text(form.description),
    services: all(form.services),
  };
}

export function partnershipToForm(p: Partnership): Form {
  return { ...p, services: p.services } as unknown as Form;
}

export function projectFromForm(form: Form) {
  return {
    name: text(form.name),
    service: optionalText(form.service),
    leadBodyCode: optionalText(form.leadBodyCode),
    stage: optionalText(form.stage),
    description: text(form.description),
    draft: text(form.draft) === 'yes',
  };
}

export function projectToForm(p: Project): Form {
  return {
    name: p.name,
    service: p.service,
    leadBodyCode: p.leadBodyCode,
    stage: p.stage,
    description: p.description,
    draft: p.draft ? 'yes' : '',
  };
}

/** Problems keyed by the form field they belong to, and the GOV.UK error summary's list. */
export function formErrors(problems: Problem[]) {
  const errors: Record<string, string> = {};
  for (const p of problems) {
    const field = p.field.split('.')[0] ?? p.field;
    errors[field] ??= p.message;
  }
  const errorList = Object.entries(errors).map(([field, message]) => ({ text: message, href: `#${field}` }));
  return { errors, errorList };
}

/** A form's problems from a refused save: field problems, or a clash shown against one field. */
export function problemsOf(error: unknown, clashField: string): Problem[] | undefined {
  if (error instanceof InputError) {
    return error.problems.length ? error.problems : [{ field: clashField, message: error.message }];
  }
  if (error instanceof ConflictError) return [{ field: clashField, message: error.message }];
  return undefined;
}

/** A news item's form: linked bodies are ticked boxes plus any codes typed; partnerships are ticked boxes. */
export function newsItemFromForm(form: Form) {
  return {
    headline: text(form.headline),
    source: text(form.source),
    url: text(form.url),
    publishedOn: text(form.publishedOn),
    summary: text(form.summary),
    section: optionalText(form.section),
    bodyCodes: [
      ...new Set([...all(form.bodyCodes), ...codes(form.otherBodyCodes)].map((c) => c.toUpperCase())),
    ],
    partnershipSlugs: all(form.partnershipSlugs),
    services: all(form.services),
  };
}

export function newsItemToForm(i: NewsItemInput): Form {
  return { ...i, bodyCodes: i.bodyCodes, partnershipSlugs: i.partnershipSlugs } as unknown as Form;
}
