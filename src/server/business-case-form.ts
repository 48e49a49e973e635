import type { BusinessCaseInput } from '../domain/business-case/input.js';
import type { Problem } from '../domain/errors.js';
import { formatPounds, formatPoundsShort, parsePounds } from '../domain/money.js';
import type { Opportunity } from '../domain/opportunities.js';
import type { Form } from './forms.js';

/**
 * The business case form: one row per partnership member (a row left without a baseline cost is not
 * a partner), five rows of one-off costs, and the assumptions. Pounds are typed; pence are stored.
 */
export const ONE_OFF_ROWS = 5;

/** The form's steps, each one short page, and the fields each asks. */
export const FORM_STEPS = [
  { key: 'partners', title: 'Partners', fields: /^(name|project|partner-.*)$/ },
  { key: 'costs', title: 'Costs', fields: /^(running|funding|oneoff-.*)$/ },
  { key: 'savings', title: 'Savings phasing', fields: /^(phasing|inflation|horizon|discount)$/ },
  {
    key: 'sharing',
    title: 'Sharing',
    fields: /^(runningMethod|oneOffMethod|(running|oneOff)(Percent|Mix)-.*)$/,
  },
] as const;

/** The step that asks a form field; problems with no field of their own belong to the first. */
export const stepOf = (field: string) =>
  Math.max(
    0,
    FORM_STEPS.findIndex((s) => s.fields.test(field)),
  );

/** A figure's note of where it came from travels as a hidden `source:FIELD` field between steps. */
const SOURCE = 'source:';

/** The form's answers, its carried notes of where figures came from, and the step and move asked. */
export function readStepForm(body: Form) {
  const values: Form = {};
  const sources: Record<string, string> = {};
  for (const [field, value] of Object.entries(body)) {
    if (field.startsWith(SOURCE)) sources[field.slice(SOURCE.length)] = text(value);
    else if (!['step', 'go', '_csrf'].includes(field)) values[field] = value;
  }
  const step = Number(text(body.step));
  // A form without a step (a script's, or an older page's) is saved as it is.
  return {
    values,
    sources,
    step: Number.isInteger(step) && step >= 0 && step < FORM_STEPS.length ? step : undefined,
    go: text(body.go),
  };
}

/** The answers of the steps not shown, and the notes of where figures came from, as hidden fields. */
export function carriedFields(
  values: Form,
  sources: Record<string, string>,
  step: number,
): [string, string][] {
  return [
    ...Object.entries(values).flatMap(([field, value]) =>
      stepOf(field) === step || !FORM_STEPS.some((s) => s.fields.test(field))
        ? []
        : [[field, text(value)] as [string, string]],
    ),
    ...Object.entries(sources).map(([field, note]) => [`${SOURCE}${field}`, note] as [string, string]),
  ];
}

const text = (v: Form[string]) => (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
/** Pence from typed pounds; text that is not an amount goes on to the schema, which refuses it by name. */
const pounds = (v: Form[string]) => {
  const raw = text(v);
  return raw ? (parsePounds(raw) ?? raw) : undefined;
};
const number = (v: Form[string]) => {
  const raw = text(v).replaceAll(',', '').replace(/%$/, '');
  return raw ? (Number.isFinite(Number(raw)) ? Number(raw) : raw) : undefined;
};
const list = (v: Form[string]) =>
  text(v)
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((x) => (Number.isFinite(Number(x.replace(/%$/, ''))) ? Number(x.replace(/%$/, '')) : x));

const MIX = ['equal', 'population', 'baseline', 'driver'] as const;

function apportionmentFromForm(form: Form, prefix: 'running' | 'oneOff', rows: number[]) {
  const method = text(form[`${prefix}Method`]);
  return {
    method,
    // Each partner's share, typed beside its name; a blank one is refused by name.
    ...(method === 'fixed'
      ? { percentages: rows.map((row) => number(form[`${prefix}Percent-${row}`])) }
      : {}),
    ...(method === 'mix'
      ? {
          weights: Object.fromEntries(
            MIX.flatMap((m) => {
              const w = number(form[`${prefix}Mix-${m}`]);
              return w === undefined ? [] : [[m, w]];
            }),
          ),
        }
      : {}),
  };
}

/** The input the schema checks, and which form row each partner came from (for error messages). */
export function businessCaseFromForm(form: Form, partnership: string, members: string[]) {
  const rows = members.flatMap((code, row) => (text(form[`partner-${row}-baseline`]) ? [{ code, row }] : []));
  const input = {
    name: text(form.name),
    partnership,
    ...(text(form.project) ? { projectId: number(form.project) } : {}),
    partners: rows.map(({ code, row }) => ({
      bodyCode: code,
      baselinePence: pounds(form[`partner-${row}-baseline`]),
      ...(number(form[`partner-${row}-driver`]) === undefined
        ? {}
        : { driver: number(form[`partner-${row}-driver`]) }),
      ...(number(form[`partner-${row}-population`]) === undefined
        ? {}
        : { population: number(form[`partner-${row}-population`]) }),
    })),
    runningPence: pounds(form.running),
    oneOffs: Array.from({ length: ONE_OFF_ROWS }, (_, i) => i).flatMap((i) =>
      text(form[`oneoff-${i}-amount`])
        ? [
            {
              year: number(form[`oneoff-${i}-year`]),
              // No kind is assumed: a cost left without one is asked about.
              kind: text(form[`oneoff-${i}-kind`]) || undefined,
              amountPence: pounds(form[`oneoff-${i}-amount`]),
            },
          ]
        : [],
    ),
    ...(text(form.phasing) ? { phasing: list(form.phasing) } : {}),
    ...(number(form.inflation) === undefined ? {} : { inflationPercent: number(form.inflation) }),
    ...(number(form.horizon) === undefined ? {} : { horizonYears: number(form.horizon) }),
    ...(number(form.discount) === undefined ? {} : { discountPercent: number(form.discount) }),
    ...(pounds(form.funding) === undefined ? {} : { fundingPence: pounds(form.funding) }),
    running: apportionmentFromForm(
      form,
      'running',
      rows.map((r) => r.row),
    ),
    oneOff: apportionmentFromForm(
      form,
      'oneOff',
      rows.map((r) => r.row),
    ),
  };
  return { input, rows: rows.map((r) => r.row) };
}

const poundsText = (pence: number) => formatPounds(pence).replace('£', '');

/** A new case's assumptions: Green Book discounting, savings phased in over two years. */
export const NEW_CASE: Form = {
  phasing: '50, 100',
  inflation: '2',
  horizon: '10',
  discount: '3.5',
  runningMethod: 'baseline',
  oneOffMethod: 'equal',
};

/**
 * A new case for an opportunity: its bodies among the members are the partners, each baseline the
 * body's year of addressable spend in the opportunity, and the running cost their total less the
 * middle of the savings range. Each filled figure says where it came from; all can be changed.
 */
export function businessCaseFormFromOpportunity(
  o: Opportunity,
  members: string[],
  held: { from: string; to: string; monthsOf: (bodyCode: string) => number },
): { values: Form; sources: Record<string, string> } {
  const values: Form = { ...NEW_CASE, name: o.title.slice(0, 200) };
  const sources: Record<string, string> = {};
  const period = `${held.from.slice(0, 7)} to ${held.to.slice(0, 7)}`;
  let total = 0;
  members.forEach((code, row) => {
    const pence = o.byBody[code];
    if (pence === undefined || pence <= 0) return;
    total += pence;
    values[`partner-${row}-baseline`] = poundsText(pence);
    const months = held.monthsOf(code);
    sources[`partner-${row}-baseline`] =
      `Its addressable spend in published payments, ${period}: ${months} month${months === 1 ? '' : 's'} held${months === 12 ? '' : ', scaled to a year'}`;
  });
  const running = total - Math.round((o.savingsLowPence + o.savingsHighPence) / 2);
  values.running = poundsText(Math.max(0, running));
  sources.running = `Filled as the partners’ spend less the middle of the savings range found (${formatPoundsShort(o.savingsLowPence)} to ${formatPoundsShort(o.savingsHighPence)} a year)`;
  return { values, sources };
}

export function businessCaseToForm(c: BusinessCaseInput, members: string[]): Form {
  const form: Form = {
    name: c.name,
    project: c.projectId === undefined ? '' : String(c.projectId),
    running: poundsText(c.runningPence),
    phasing: c.phasing.join(', '),
    inflation: String(c.inflationPercent),
    horizon: String(c.horizonYears),
    discount: String(c.discountPercent),
    funding: c.fundingPence ? poundsText(c.fundingPence) : '',
    runningMethod: c.running.method,
    oneOffMethod: c.oneOff.method,
  };
  for (const which of ['running', 'oneOff'] as const) {
    c[which].percentages?.forEach((percent, i) => {
      const row = members.indexOf(c.partners[i]?.bodyCode ?? '');
      if (row >= 0) form[`${which}Percent-${row}`] = String(percent);
    });
    for (const [m, w] of Object.entries(c[which].weights ?? {})) form[`${which}Mix-${m}`] = String(w);
  }
  c.partners.forEach((p) => {
    const row = members.indexOf(p.bodyCode);
    if (row < 0) return;
    form[`partner-${row}-baseline`] = poundsText(p.baselinePence);
    if (p.driver !== undefined) form[`partner-${row}-driver`] = String(p.driver);
  });
  c.oneOffs.forEach((o, i) => {
    form[`oneoff-${i}-year`] = String(o.year);
    form[`oneoff-${i}-kind`] = o.kind;
    form[`oneoff-${i}-amount`] = poundsText(o.amountPence);
  });
  return form;
}

const FIELDS: Record<string, string> = {
  name: 'name',
  projectId: 'project',
  runningPence: 'running',
  phasing: 'phasing',
  inflationPercent: 'inflation',
  horizonYears: 'horizon',
  discountPercent: 'discount',
  fundingPence: 'funding',
  'running.method': 'runningMethod',
  'running.weights': 'runningMix-equal',
  'oneOff.method': 'oneOffMethod',
  'oneOff.weights': 'oneOffMix-equal',
};

/** The schema speaks in pence, as the API takes them; the form asks for pounds. */
const inPounds = (p: Problem): Problem => ({
  ...p,
  message: p.message.replace(
    / in (whole )?pence(, as a whole number)?/,
    ' in pounds, like 125,000 or 125,000.50',
  ),
});

/** Problems of the input, moved onto the form fields that hold them, in the form's own units. */
export function businessCaseFormProblems(problems: Problem[], rows: number[]): Problem[] {
  return problems.map((raw) => {
    const p = inPounds(raw);
    const partner = /^partners\.(\d+)\.(\w+)/.exec(p.field);
    if (partner) {
      const row = rows[Number(partner[1])] ?? 0;
      const column =
        partner[2] === 'driver' ? 'driver' : partner[2] === 'population' ? 'population' : 'baseline';
      return { ...p, field: `partner-${row}-${column}` };
    }
    const oneOff = /^oneOffs\.(\d+)\.(\w+)/.exec(p.field);
    if (oneOff) {
      const column = oneOff[2] === 'year' ? 'year' : oneOff[2] === 'kind' ? 'kind' : 'amount';
      return { ...inPounds(p), field: `oneoff-${oneOff[1]}-${column}` };
    }
    if (p.field === 'partners') return { ...p, field: `partner-0-baseline` };
    // A share: the partner's own box, or the first partner's when the shares as a whole are wrong.
    const share = /^(running|oneOff)\.percentages(?:\.(\d+))?/.exec(p.field);
    if (share) {
      const row = rows[Number(share[2] ?? 0)] ?? 0;
      return {
        ...p,
        message: share[2] === undefined ? p.message : 'Give this partner’s share as a percentage',
        field: `${share[1]}Percent-${row}`,
      };
    }
    return { ...p, field: FIELDS[p.field] ?? FIELDS[p.field.split('.')[0] ?? ''] ?? 'name' };
  });
}
