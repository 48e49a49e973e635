import { type BusinessCaseInput, businessCaseInput } from '../domain/business-case/input.js';
import { evaluate } from '../domain/business-case/evaluate.js';
import { type Figures, figuresInThread } from './business-case-figures.js';
import {
  conventions,
  describeSplit,
  describeStability,
  describeSwitching,
} from '../domain/business-case/words.js';
import { parseInput } from '../domain/validation.js';
import type { Table } from '../export/table.js';
import { bodiesByCode, resolveBodyIds } from '../store/bodies.js';
import { getBusinessCase, type StoredBusinessCase } from '../store/business-cases.js';
import type { Sql } from '../store/db.js';

export interface BusinessCaseReport extends StoredBusinessCase, Figures {
  names: Record<string, string>;
}

/**
 * Checks a case's input against the directory, filling each partner's population from its body
 * where none was entered, so that "by population" splits by the figures the directory holds.
 */
export async function checkBusinessCase(
  db: Sql,
  raw: unknown,
): Promise<{ input: BusinessCaseInput; names: Record<string, string> }> {
  const checked = await withDirectory(db, raw);
  // Splits that cannot be made (a partner without the figure a method needs) are refused now.
  evaluate(checked.input);
  return checked;
}

/** The input parsed (defaults filled), its partners found in the directory, populations filled, names. */
async function withDirectory(db: Sql, raw: unknown) {
  const input = parseInput(businessCaseInput, raw, 'business case');
  await resolveBodyIds(
    db,
    input.partners.map((p, i) => ({ code: p.bodyCode, field: `partners.${i}.bodyCode` })),
  );
  const bodies = await bodiesByCode(
    db,
    input.partners.map((p) => p.bodyCode),
  );
  const byCode = new Map(bodies.map((b) => [b.code, b]));
  const filled = {
    ...input,
    partners: input.partners.map((p) => ({
      ...p,
      ...(p.population === undefined && byCode.get(p.bodyCode)?.population != null
        ? { population: byCode.get(p.bodyCode)?.population as number }
        : {}),
    })),
  };
  return { input: filled, names: Object.fromEntries(bodies.map((b) => [b.code, b.name])) };
}

/**
 * The figures of a case, remembered by everything they depend on (the checked input, the names, the
 * sensitivity asked), so that a case is worked out once per change, not once per reader.
 */
const worked = new Map<string, Promise<Figures>>();
const MOST_REMEMBERED = 200;

function figuresOf(input: BusinessCaseInput, names: Record<string, string>, sensitivityPercent: number) {
  const key = JSON.stringify([input, names, sensitivityPercent]);
  const hit = worked.get(key);
  if (hit) {
    // Most recently used last, so the oldest is the one forgotten.
    worked.delete(key);
    worked.set(key, hit);
    return hit;
  }
  const figures = figuresInThread(input, names, sensitivityPercent);
  // Readers arriving while it is worked out wait for the same answer; a failure is not remembered.
  worked.set(key, figures);
  figures.catch(() => worked.delete(key));
  if (worked.size > MOST_REMEMBERED) worked.delete(worked.keys().next().value as string);
  return figures;
}

export async function businessCaseReport(
  db: Sql,
  id: number,
  sensitivityPercent = 20,
): Promise<BusinessCaseReport> {
  const stored = await getBusinessCase(db, id);
  // Not evaluated here as well: the figures' thread refuses a split that cannot be made.
  const { input, names } = await withDirectory(db, stored.input);
  return { ...stored, input, names, ...(await figuresOf(input, names, sensitivityPercent)) };
}

const pounds = (pence: number) => Math.round(pence) / 100;
const percent = (share: number) => Math.round(share * 10_000) / 100;

/** The case's tables for CSV and XLSX (amounts in pounds, real terms unless headed cash). */
export function businessCaseTables(r: BusinessCaseReport): Table[] {
  const name = (code: string) => r.names[code] ?? code;
  const { result } = r;
  return [
    {
      name: 'summary',
      title: 'Summary',
      header: ['Figure', 'Value'],
      rows: [
        ['Net present value, real terms (£)', pounds(result.npvPence)],
        ['Net present value, cash terms at the matching nominal rate (£)', pounds(result.cash.npvPence)],
        ['Payback year', result.paybackYear ?? 'Not within the horizon'],
        ['Saving a year at full operation (£)', pounds(result.steadySavingPence)],
        ['One-off costs after funding (£)', pounds(result.oneOffPence)],
        ['Running cost split', describeSplit(r.input.running)],
        ['One-off cost split', describeSplit(r.input.oneOff)],
        ['Stability of the running-cost split', describeStability(result.stability, name)],
        ...conventions(r.input).map((words, i) => [`Convention ${i + 1}`, words]),
      ],
    },
    {
      name: 'partners',
      title: 'Each partner',
      header: [
        'Body code',
        'Body',
        'Joins in year',
        'Leaves after year',
        'Cost now a year (£)',
        'Share of running cost (£)',
        'Saving a year (£)',
        'Share of saving (%)',
        'One-off share (£)',
        'NPV (£)',
      ],
      rows: result.partners.map((p) => [
        p.bodyCode,
        name(p.bodyCode),
        p.fromYear,
        p.untilYear,
        pounds(p.baselinePence),
        pounds(p.runningSharePence),
        pounds(p.savingPence),
        percent(p.shareOfSaving),
        pounds(p.oneOffSharePence),
        pounds(p.npvPence),
      ]),
    },
    {
      name: 'cash-flows',
      title: 'Cash flows',
      header: [
        'Year',
        'Cost now (£)',
        'Cost after (£)',
        'Double running (£)',
        'One-off (£)',
        ...result.partners.map((p) => `${p.bodyCode} net (£)`),
        'Total net (£)',
        'Cumulative (£)',
        'Discount factor',
        'Present value (£)',
        'Cash terms net (£)',
      ],
      rows: result.years.map((y, i) => [
        y.year,
        pounds(y.beforePence),
        pounds(y.afterPence),
        pounds(y.doubleRunningPence),
        pounds(y.oneOffPence),
        ...result.partners.map((p) => pounds(p.years[i]?.netPence ?? 0)),
        pounds(y.netPence),
        pounds(y.cumulativePence),
        Math.round(y.discountFactor * 1e6) / 1e6,
        pounds(y.discountedPence),
        pounds(y.cashNetPence),
      ]),
    },
    {
      name: 'shares',
      title: 'Running-cost shares by year (%)',
      header: ['Year', ...result.partners.map((p) => p.bodyCode)],
      rows: result.years
        .filter((y) => y.year >= 1)
        .map((y) => [y.year, ...result.partners.map((p) => percent(p.years[y.year]?.runningShare ?? 0))]),
    },
    {
      name: 'switching-values',
      title: 'Switching values',
      header: [
        'Input',
        'Unit',
        'Case NPV zero at',
        ...result.partners.map((p) => `${p.bodyCode} breaks even at`),
        'In words',
      ],
      rows: r.switchingValues.map((v) => [
        v.input,
        v.unit === 'months' ? 'months late' : '% change',
        v.case ?? 'never',
        ...v.partners.map((p) => p.at ?? 'never'),
        describeSwitching(v, name),
      ]),
    },
    {
      name: 'sensitivity',
      title: 'Sensitivity',
      header: ['Input', 'NPV with it lower (£)', 'NPV with it higher (£)'],
      rows: r.sensitivity.map((s) => [s.input, pounds(s.lowNpvPence), pounds(s.highNpvPence)]),
    },
  ];
}
