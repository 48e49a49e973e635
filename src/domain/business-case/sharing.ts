/**
 * Who pays what share of a cost in each year: the split a partnership agreed, applied to the
 * partners in the service that year (a partner that has left or not yet joined pays nothing, and the
 * others' shares grow to fill the whole).
 *
 * Drivers: each partner's activity in the year, or the average of the last three years' (the years
 * before year 1 do not count); with a tolerance band, the driver a share is worked from changes only
 * when the partner's driver moves by more than the band from the one last used.
 */
import { InputError } from '../errors.js';
import {
  APPORTIONMENT_METHODS,
  type Apportionment,
  type BusinessCaseInput,
  driverIn,
  isIn,
  MIXABLE,
  MOST_PARTNERS_FOR_GAME,
  type Split,
} from './input.js';
import {
  type GroupCosts,
  separableCostsRemainingBenefits,
  serviceGroupCosts,
  shapley,
  type Stability,
  stability,
} from './cost-game.js';

/** The running cost's two parts, a year at full operation in today's prices (before optimism bias). */
export function runningCostModel(c: BusinessCaseInput) {
  const founders = c.partners.filter((p) => p.fromYear === 1);
  const fixed =
    c.runningPence - c.runningPerUnitPence * founders.reduce((s, p) => s + (driverIn(p, 1) ?? 0), 0);
  return {
    fixed,
    perUnit: c.runningPerUnitPence,
    /** The service's running cost with the partners in it in `year`, each at its activity then. */
    inYear: (year: number) =>
      fixed +
      c.runningPerUnitPence *
        c.partners.reduce((s, p) => s + (isIn(p, year) ? (driverIn(p, year) ?? 0) : 0), 0),
  };
}

/** The drivers shares are worked from, by partner, for years 1..horizon (index 0 is year 1). */
function driversUsed(c: BusinessCaseInput, a: Apportionment): (number | undefined)[][] {
  return c.partners.map((p) => {
    const used: (number | undefined)[] = [];
    let last: number | undefined;
    for (let year = 1; year <= c.horizonYears; year++) {
      const window = Array.from({ length: a.driverAverageYears }, (_, k) => year - k).filter((y) => y >= 1);
      const values = window.map((y) => driverIn(p, y));
      const now = values.some((v) => v === undefined)
        ? undefined
        : (values as number[]).reduce((x, y) => x + y, 0) / values.length;
      const moved =
        last === undefined || now === undefined || Math.abs(now - last) > (a.tolerancePercent / 100) * last;
      if (moved || year === p.fromYear) last = now;
      used.push(last);
    }
    return used;
  });
}

export interface Sharing {
  /** Each partner's share (fractions adding to 1 over those in the service) in a year; year 0 is year 1's. */
  shares(year: number): number[];
  /** For a running-cost split: whether it is in the core that year (undefined beyond the partners worked out). */
  stability?(year: number): Stability | undefined;
}

/** A cost's split by year; refuses, naming the field, a split that cannot be made. */
export function sharing(
  c: BusinessCaseInput,
  which: 'running' | 'oneOff',
  { costUplift = 1, checkStability = true }: { costUplift?: number; checkStability?: boolean } = {},
): Sharing {
  const a = c[which];
  const drivers = driversUsed(c, a);
  const model = runningCostModel(c);
  const cache = new Map<string, { shares: number[]; stability?: Stability | undefined }>();

  const inYear = (year: number) => {
    const y = Math.min(Math.max(year, 1), c.horizonYears);
    const present = c.partners.map((p) => isIn(p, y));
    const driverOf = (i: number) => drivers[i]?.[y - 1];
    // Years with the same partners and drivers share the same split, worked out once.
    const key = c.partners.map((_, i) => (present[i] ? String(driverOf(i)) : '-')).join(' ');
    const hit = cache.get(key);
    if (hit) return hit;
    const basis = (method: (typeof MIXABLE)[number]) => {
      const values = c.partners.map((p, i) =>
        !present[i]
          ? 0
          : method === 'equal'
            ? 1
            : method === 'baseline'
              ? p.baselinePence
              : method === 'driver'
                ? (driverOf(i) ?? NaN)
                : (p.population ?? NaN),
      );
      values.forEach((v, i) => {
        if (!Number.isFinite(v))
          throw new InputError('The split cannot be made', [
            {
              field: `partners.${i}.${method}`,
              message: `Give every partner’s ${method} to split ${APPORTIONMENT_METHODS[method].toLowerCase()}`,
            },
          ]);
      });
      return normalised(values, `${which}.method`, method);
    };
    /** A split's shares; `field` names its percentages (a component's own, or the cost's). */
    const split = (s: Split, field = `${which}.percentages`): number[] => {
      if (s.method === 'fixed')
        return normalised(
          (s.percentages as number[]).map((p, i) => (present[i] ? p : 0)),
          field,
          'fixed',
        );
      if (s.method === 'mix') {
        const mixed = c.partners.map(() => 0);
        for (const [method, weight] of Object.entries(s.weights ?? {}) as [
          (typeof MIXABLE)[number],
          number,
        ][])
          if (weight > 0)
            basis(method).forEach((share, i) => (mixed[i] = (mixed[i] as number) + (share * weight) / 100));
        return mixed;
      }
      return basis(s.method as (typeof MIXABLE)[number]);
    };
    // Each group of the partners in the service has a cost of its own, from the drivers the split uses.
    const inService = present.flatMap((isPresent, i) => (isPresent ? [i] : []));
    const isGame = a.method === 'shapley' || a.method === 'scrb';
    const spec = {
      fixed: model.fixed * costUplift,
      perUnit: model.perUnit * costUplift,
      drivers: inService.map((i) => driverOf(i) ?? 0),
      baselines: inService.map((i) => c.partners[i]?.baselinePence ?? 0),
    };
    const game =
      which === 'running' && inService.length <= MOST_PARTNERS_FOR_GAME && (isGame || checkStability)
        ? serviceGroupCosts(spec)
        : undefined;
    let shares: number[];
    if (a.method === 'components')
      shares = (a.parts ?? []).reduce(
        (sum, part, k) =>
          split(part, `${which}.parts.${k}.percentages`).map(
            (s, i) => (sum[i] as number) + (s * part.percent) / 100,
          ),
        c.partners.map(() => 0),
      );
    else if (isGame) {
      if (which !== 'running' || inService.length > MOST_PARTNERS_FOR_GAME)
        throw new InputError('The split cannot be made', [
          { field: `${which}.method`, message: 'Too many partners for this split' },
        ]);
      const values = gameSplit(a.method as 'shapley' | 'scrb', spec, () => game ?? serviceGroupCosts(spec));
      const whole = values.reduce((x, y) => x + y, 0);
      shares = c.partners.map(() => 0);
      inService.forEach(
        (i, k) => (shares[i] = whole > 0 ? (values[k] as number) / whole : 1 / inService.length),
      );
    } else shares = split(a);
    const whole = game?.[(1 << inService.length) - 1];
    const stable =
      game && whole !== undefined && checkStability
        ? stability(
            game,
            inService.length,
            inService.map((i) => (shares[i] as number) * whole),
          )
        : undefined;
    // The group's members as partner indexes, not indexes among those in the service.
    const entry = {
      shares,
      stability:
        stable && !stable.inCore
          ? { ...stable, members: stable.members.map((k) => inService[k] as number) }
          : stable,
    };
    cache.set(key, entry);
    return entry;
  };
  return {
    shares: (year) => inYear(year).shares,
    ...(which === 'running' ? { stability: (year: number) => inYear(year).stability } : {}),
  };
}

/**
 * A game split, remembered by what defines the game: the switching values evaluate a case many times
 * over with the same partners, drivers and costs, and each game is 2^n groups.
 */
const remembered = new Map<string, number[]>();
function gameSplit(
  method: 'shapley' | 'scrb',
  spec: { fixed: number; perUnit: number; drivers: number[]; baselines: number[] },
  groupCosts: () => GroupCosts,
): number[] {
  const key = `${method} ${spec.fixed} ${spec.perUnit} ${spec.drivers.join(',')} ${spec.baselines.join(',')}`;
  const hit = remembered.get(key);
  if (hit) return hit;
  if (remembered.size >= 5_000) remembered.clear();
  const values = (method === 'shapley' ? shapley : separableCostsRemainingBenefits)(
    groupCosts(),
    spec.drivers.length,
  );
  remembered.set(key, values);
  return values;
}

function normalised(values: number[], field: string, method: string): number[] {
  const total = values.reduce((x, y) => x + y, 0);
  if (total <= 0)
    throw new InputError('The split cannot be made', [
      {
        field,
        message:
          method === 'fixed'
            ? 'The partners in the service one year have no percentage between them'
            : `Every partner’s ${method} is zero, so there is nothing to split ${APPORTIONMENT_METHODS[method as keyof typeof APPORTIONMENT_METHODS].toLowerCase()}`,
      },
    ]);
  return values.map((v) => v / total);
}
