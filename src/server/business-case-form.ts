import type { BusinessCaseInput } from '../domain/business-case/input.js';
import { OPTIMISM_BIAS_GUIDANCE } from '../domain/business-case/green-book.js';
import type { Problem } from '../domain/errors.js';
import { formatPounds, formatPoundsShort, parsePounds } from '../domain/money.js';
import type { Opportunity } from '../domain/opportunities.js';
import type { Form } from './forms.js';

/**
 * The business case form: one row per partnership member, and per partner of the case that is not
 * one (a row left without a baseline cost is not a partner), at least five rows of one-off costs, and
 * the assumptions. Pounds are typed; pence are stored.
 */
const ONE_OFF_ROWS = 5;

/** One-off cost rows: five, or as many as the case has and two spare, so none is dropped on edit. */
export function oneOffRowCount(values: Form): number {
  const used = Object.keys(values).flatMap((field) => {
    const row = /^oneoff-(\d+)-/.exec(field);
    return row && text(values[field]) ? [Number(row[1])] : [];
  });
  return Math.max(ONE_OFF_ROWS, Math.max(-1, ...used) + 3);
}

/** The form's steps, each one short page, and the fields each asks. */
export const FORM_STEPS = [
  { key: 'partners', title: 'Partners', fields: /^(name|project|partner-.*)$/ },
  { key: 'costs', title: 'Costs', fields: /^(running|runningPerUnit|funding|doubleRunning|oneoff-.*)$/ },
  {
    key: 'savings',
    title: 'Savings, prices and risk',
    fields:
      /^(phasing|optimismCost|optimismDelay|realPriceChange|inflation|horizon|discount|longTermDiscount)$/,
  },
  {
    key: 'sharing',
    title: 'Sharing',
    fields: /^(running|oneOff)(Method|Average|Tolerance|Percent-.*|Part-.*|Mix-.*)$/,
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
/** Pence from pounds that may hold fractions of a penny (a cost per unit of £0.125 is 12.5p). */
const penceExact = (v: Form[string]) => {
  const raw = text(v).replace(/^£/, '').replaceAll(',', '');
  return raw ? (Number.isFinite(Number(raw)) ? Math.round(Number(raw) * 100 * 1e6) / 1e6 : raw) : undefined;
};
const number = (v: Form[string]) => {
  const raw = text(v).replaceAll(',', '').replace(/%$/, '');
  return raw ? (Number.isFinite(Number(raw)) ? Number(raw) : raw) : undefined;
};
/**
 * A figure for each year: "1,200; 1,250", "120, 125, 130" or "120 125". A comma followed by three
 * digits is a thousands separator ("12,500" is one figure); any other separates figures.
 */
const yearly = (v: Form[string]) =>
  text(v)
    .split(/;|\s+|,(?!\d{3}(?!\d))/)
    .map((x) => x.replaceAll(',', ''))
    .filter(Boolean)
    .map((x) => (Number.isFinite(Number(x)) ? Number(x) : x));
const list = (v: Form[string]) =>
  text(v)
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((x) => (Number.isFinite(Number(x.replace(/%$/, ''))) ? Number(x.replace(/%$/, '')) : x));

const MIX = ['equal', 'population', 'baseline', 'driver'] as const;

/** One way of splitting, with its own figures: each partner's percentage, or a mix's weights. */
function splitFromForm(
  form: Form,
  prefix: 'running' | 'oneOff',
  method: string,
  rows: number[],
  percentBoxes = `${prefix}Percent`,
) {
  return {
    method,
    // Each partner's share, typed beside its name; a blank one is refused by name.
    ...(method === 'fixed' ? { percentages: rows.map((row) => number(form[`${percentBoxes}-${row}`])) } : {}),
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

/** The parts a split by component has on the form: two, or as many as the case has (four at most). */
export function partCount(values: Form, which: 'running' | 'oneOff'): number {
  const used = Object.keys(values).flatMap((field) => {
    const part = new RegExp(`^${which}Part-(\\d+)-`).exec(field);
    return part && text(values[field]) ? [Number(part[1])] : [];
  });
  return Math.min(4, Math.max(2, Math.max(-1, ...used) + 1));
}

function apportionmentFromForm(form: Form, prefix: 'running' | 'oneOff', rows: number[]) {
  const method = text(form[`${prefix}Method`]);
  return {
    ...splitFromForm(form, prefix, method, rows),
    // By component: each part of the cost, split its own way.
    ...(method === 'components'
      ? {
          // Every part up to the last one typed in, so each problem is named on its own part.
          parts: Array.from({ length: partCount(form, prefix) }, (_, k) => `${prefix}Part-${k}`).map(
            (part) => ({
              ...splitFromForm(form, prefix, text(form[`${part}-method`]), rows, `${part}-share`),
              percent: number(form[`${part}-percent`]),
            }),
          ),
        }
      : {}),
    ...(text(form[`${prefix}Average`]) === '3' ? { driverAverageYears: 3 } : {}),
    ...(number(form[`${prefix}Tolerance`]) === undefined
      ? {}
      : { tolerancePercent: number(form[`${prefix}Tolerance`]) }),
  };
}

/** A typed field, only when something was typed: the schema's default holds otherwise. */
const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });

/** The input the schema checks, and which form row each partner came from (for error messages). */
export function businessCaseFromForm(form: Form, partnership: string, members: string[]) {
  const rows = members.flatMap((code, row) => (text(form[`partner-${row}-baseline`]) ? [{ code, row }] : []));
  // A row with anything typed is a cost; one without an amount is asked about, not dropped.
  const oneOffRows = Array.from({ length: oneOffRowCount(form) }, (_, i) => i).filter((i) =>
    ['year', 'kind', 'amount'].some((column) => text(form[`oneoff-${i}-${column}`])),
  );
  const input = {
    name: text(form.name),
    partnership,
    ...(text(form.project) ? { projectId: number(form.project) } : {}),
    partners: rows.map(({ code, row }) => {
      // One figure of activity for every year, or several: year 1's first, the last holding after.
      const drivers = yearly(form[`partner-${row}-driver`]);
      return {
        bodyCode: code,
        baselinePence: pounds(form[`partner-${row}-baseline`]),
        ...(drivers.length > 1 ? { drivers } : optional('driver', drivers[0])),
        ...optional('population', number(form[`partner-${row}-population`])),
        ...optional('fromYear', number(form[`partner-${row}-from`])),
        ...optional('untilYear', number(form[`partner-${row}-until`])),
      };
    }),
    runningPence: pounds(form.running),
    ...optional('runningPerUnitPence', penceExact(form.runningPerUnit)),
    oneOffs: oneOffRows.map((i) => ({
      year: number(form[`oneoff-${i}-year`]),
      // No kind is assumed: a cost left without one is asked about.
      kind: text(form[`oneoff-${i}-kind`]) || undefined,
      amountPence: pounds(form[`oneoff-${i}-amount`]),
      ...(text(form[`oneoff-${i}-partner`]) ? { bodyCode: text(form[`oneoff-${i}-partner`]) } : {}),
    })),
    ...optional('doubleRunningMonths', number(form.doubleRunning)),
    ...(text(form.phasing) ? { phasing: list(form.phasing) } : {}),
    optimismBias: {
      ...optional('costPercent', number(form.optimismCost)),
      ...optional('delayMonths', number(form.optimismDelay)),
    },
    ...optional('realPriceChangePercent', number(form.realPriceChange)),
    ...optional('inflationPercent', number(form.inflation)),
    ...optional('horizonYears', number(form.horizon)),
    ...optional('discountPercent', number(form.discount)),
    ...optional('longTermDiscountPercent', number(form.longTermDiscount)),
    ...optional('fundingPence', pounds(form.funding)),
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
  return { input, rows: { partners: rows.map((r) => r.row), oneOffs: oneOffRows } };
}

const poundsText = (pence: number) => formatPounds(pence).replace('£', '');

/**
 * A new case's assumptions: Green Book discounting, savings phased in over two years, and the
 * supplementary guidance's lowest optimism bias for IT and business change as a start.
 */
export const NEW_CASE: Form = {
  phasing: '50, 100',
  optimismCost: String(OPTIMISM_BIAS_GUIDANCE[0].costs.lower),
  optimismDelay: '0',
  realPriceChange: '0',
  inflation: '2',
  horizon: '10',
  discount: '3.5',
  longTermDiscount: '3',
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
    runningPerUnit: c.runningPerUnitPence ? String(Math.round(c.runningPerUnitPence * 1e4) / 1e6) : '',
    doubleRunning: c.doubleRunningMonths ? String(c.doubleRunningMonths) : '',
    phasing: c.phasing.join(', '),
    optimismCost: String(c.optimismBias.costPercent),
    optimismDelay: String(c.optimismBias.delayMonths),
    realPriceChange: String(c.realPriceChangePercent),
    inflation: String(c.inflationPercent),
    horizon: String(c.horizonYears),
    discount: String(c.discountPercent),
    longTermDiscount: String(c.longTermDiscountPercent),
    funding: c.fundingPence ? poundsText(c.fundingPence) : '',
  };
  for (const which of ['running', 'oneOff'] as const) {
    const a = c[which];
    form[`${which}Method`] = a.method;
    if (a.driverAverageYears === 3) form[`${which}Average`] = '3';
    if (a.tolerancePercent) form[`${which}Tolerance`] = String(a.tolerancePercent);
    const shares = (percentages: number[] | undefined, boxes: string) =>
      percentages?.forEach((percent, i) => {
        const row = members.indexOf(c.partners[i]?.bodyCode ?? '');
        if (row >= 0) form[`${boxes}-${row}`] = String(percent);
      });
    shares(a.percentages, `${which}Percent`);
    for (const [m, w] of Object.entries(a.weights ?? {})) form[`${which}Mix-${m}`] = String(w);
    a.parts?.forEach((part, k) => {
      form[`${which}Part-${k}-percent`] = String(part.percent);
      form[`${which}Part-${k}-method`] = part.method;
      shares(part.percentages, `${which}Part-${k}-share`);
    });
  }
  c.partners.forEach((p) => {
    const row = members.indexOf(p.bodyCode);
    if (row < 0) return;
    form[`partner-${row}-baseline`] = poundsText(p.baselinePence);
    const drivers = p.drivers ?? (p.driver === undefined ? [] : [p.driver]);
    if (drivers.length) form[`partner-${row}-driver`] = drivers.join('; ');
    if (p.population !== undefined) form[`partner-${row}-population`] = String(p.population);
    if (p.fromYear > 1) form[`partner-${row}-from`] = String(p.fromYear);
    if (p.untilYear !== undefined) form[`partner-${row}-until`] = String(p.untilYear);
  });
  c.oneOffs.forEach((o, i) => {
    form[`oneoff-${i}-year`] = String(o.year);
    form[`oneoff-${i}-kind`] = o.kind;
    form[`oneoff-${i}-amount`] = poundsText(o.amountPence);
    if (o.bodyCode) form[`oneoff-${i}-partner`] = o.bodyCode;
  });
  return form;
}

const FIELDS: Record<string, string> = {
  name: 'name',
  projectId: 'project',
  runningPence: 'running',
  runningPerUnitPence: 'runningPerUnit',
  doubleRunningMonths: 'doubleRunning',
  phasing: 'phasing',
  'optimismBias.costPercent': 'optimismCost',
  'optimismBias.delayMonths': 'optimismDelay',
  realPriceChangePercent: 'realPriceChange',
  inflationPercent: 'inflation',
  horizonYears: 'horizon',
  discountPercent: 'discount',
  longTermDiscountPercent: 'longTermDiscount',
  fundingPence: 'funding',
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
export function businessCaseFormProblems(
  problems: Problem[],
  rows: { partners: number[]; oneOffs: number[] },
): Problem[] {
  return problems.map((raw) => {
    // A component's percentages have boxes of their own: running.parts.1.percentages is runningPart-1-share.
    const p = inPounds({
      ...raw,
      field: raw.field.replace(/^(running|oneOff)\.parts\.(\d+)\.percentages/, '$1Part-$2-share.percentages'),
    });
    const partner = /^partners\.(\d+)\.(\w+)/.exec(p.field);
    if (partner) {
      const row = rows.partners[Number(partner[1])] ?? 0;
      const column =
        {
          driver: 'driver',
          drivers: 'driver',
          population: 'population',
          fromYear: 'from',
          untilYear: 'until',
        }[partner[2] ?? ''] ?? 'baseline';
      return { ...p, field: `partner-${row}-${column}` };
    }
    const oneOff = /^oneOffs\.(\d+)\.(\w+)/.exec(p.field);
    if (oneOff) {
      const column = { year: 'year', kind: 'kind', bodyCode: 'partner' }[oneOff[2] ?? ''] ?? 'amount';
      return {
        field: `oneoff-${rows.oneOffs[Number(oneOff[1])] ?? 0}-${column}`,
        message: column === 'partner' ? 'Choose one of the partners in this case, or shared' : p.message,
      };
    }
    // A split's own fields: a component's, the weights of a mix, the drivers' options.
    const split = /^(running|oneOff)\.(\w+)(?:\.(\d+)\.(\w+))?/.exec(p.field);
    if (split && split[2] !== 'percentages') {
      const [, which, key, part, inner] = split;
      const field =
        key === 'parts'
          ? `${which}Part-${part ?? 0}-${inner === 'method' ? 'method' : 'percent'}`
          : key === 'weights'
            ? `${which}Mix-equal`
            : key === 'tolerancePercent'
              ? `${which}Tolerance`
              : key === 'driverAverageYears'
                ? `${which}Average`
                : `${which}Method`;
      return { ...p, field };
    }
    if (p.field === 'partners') return { ...p, field: `partner-${rows.partners[0] ?? 0}-baseline` };
    // A share: the partner's own box, or the first partner's when the shares as a whole are wrong.
    const share = /^(running|oneOff)(Part-\d+-share)?\.percentages(?:\.(\d+))?/.exec(p.field);
    if (share) {
      const row = rows.partners[Number(share[3] ?? 0)] ?? 0;
      return {
        ...p,
        message: share[3] === undefined ? p.message : 'Give this partner’s share as a percentage',
        field: `${share[1]}${share[2] ? `${share[2]}` : 'Percent'}-${row}`,
      };
    }
    return { ...p, field: FIELDS[p.field] ?? FIELDS[p.field.split('.')[0] ?? ''] ?? 'name' };
  });
}
