/**
 * Standard 5-field cron (minute hour day-of-month month day-of-week), as Inngest accepts it:
 * `*`, `?`, values, names (JAN, MON), ranges, lists and steps (`*\/15`, `5/10`, `1-5/2`), the
 * @hourly-style shorthands, and a `TZ=`/`CRON_TZ=` prefix, which is parsed but not honoured:
 * schedules are computed in UTC.
 */
export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Like Inngest's cron library, both day fields restricted means either may match. */
  daysRestricted: boolean;
  weekdaysRestricted: boolean;
  timezone?: string;
}

const SHORTHANDS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  min: number;
  max: number;
  names?: string[];
  /** Value of names[0]: 1 for months, 0 for weekdays. */
  nameBase?: number;
}
const FIELDS: FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  // 7 is accepted as Sunday and folded onto 0 below.
  { min: 0, max: 7, names: WEEKDAYS, nameBase: 0 },
];

export function parseCron(expression: string): CronSchedule {
  let text = expression.trim();
  let timezone: string | undefined;
  const tz = /^(?:CRON_)?TZ=(\S+)\s+/.exec(text);
  if (tz) {
    timezone = tz[1];
    text = text.slice(tz[0].length);
  }
  text = SHORTHANDS[text.toLowerCase()] ?? text;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}" must have 5 fields, has ${parts.length}`);
  const [minutes, hours, days, months, weekdays] = parts.map((part, i) => parseField(part, FIELDS[i], expression));
  if (weekdays.delete(7)) weekdays.add(0);
  const unrestricted = (part: string) => /^[*?](\/1)?$/.test(part);
  return {
    minutes,
    hours,
    days,
    months,
    weekdays,
    daysRestricted: !unrestricted(parts[2]),
    weekdaysRestricted: !unrestricted(parts[4]),
    timezone,
  };
}

function parseField(field: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  const bad = (why: string) => new Error(`cron "${expression}": ${why} in "${field}"`);
  const value = (text: string) => {
    const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + (spec.nameBase ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(n >= spec.min && n <= spec.max)) throw bad(`"${text}" is out of range ${spec.min}-${spec.max}`);
    return n;
  };
  for (const item of field.split(",")) {
    const [range, stepText, ...rest] = item.split("/");
    if (rest.length > 0 || range === "") throw bad("malformed item");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw bad(`step "${stepText}" must be a positive integer`);
    let [from, to] = [spec.min, spec.max];
    if (range !== "*" && range !== "?") {
      const [low, high, ...extra] = range.split("-");
      if (extra.length > 0) throw bad("malformed range");
      from = value(low);
      // "5/10" means from 5 to the end, every 10.
      to = high !== undefined ? value(high) : stepText !== undefined ? spec.max : from;
      if (to < from) throw bad("range runs backwards");
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

/** Cron never fires more than ~5 years out unless it never fires at all (e.g. 30 February). */
const SEARCH_LIMIT_MS = 5 * 366 * 24 * 60 * 60 * 1000;

/** The first minute strictly after `after` (epoch ms) that the schedule fires at, in UTC. */
export function nextCronTime(schedule: CronSchedule, after: number): number {
  let t = Math.floor(after / 60_000) * 60_000 + 60_000;
  const limit = after + SEARCH_LIMIT_MS;
  while (t <= limit) {
    const d = new Date(t);
    const [y, mo, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
    if (!schedule.months.has(mo + 1)) t = Date.UTC(y, mo + 1, 1);
    else if (!dayMatches(schedule, day, d.getUTCDay())) t = Date.UTC(y, mo, day + 1);
    else if (!schedule.hours.has(h)) t = Date.UTC(y, mo, day, h + 1);
    else if (!schedule.minutes.has(d.getUTCMinutes())) t += 60_000;
    else return t;
  }
  throw new Error("cron schedule never fires");
}

function dayMatches(s: CronSchedule, day: number, weekday: number): boolean {
  const byDay = s.days.has(day);
  const byWeekday = s.weekdays.has(weekday);
  if (s.daysRestricted && s.weekdaysRestricted) return byDay || byWeekday;
  return byDay && byWeekday;
}
