// Event-time ISO weeks in the contact centre's local time zone (pure; no clock). A week starts
// on a local Monday at 00:00; its label is the ISO 8601 week (`2026-W48`, week-numbering year).
import { LocalIntervals } from '../wallboard/intervals.ts';

const DAY_MS = 86_400_000;

export interface WeekOf {
  /** Local date of the week's Monday, YYYY-MM-DD. */
  readonly start: string;
  /** Epoch ms of that Monday's local midnight. */
  readonly startAt: number;
  /** Epoch ms of the next Monday's local midnight (the week's exclusive end). */
  readonly endAt: number;
}

/** ISO 8601 week label of a calendar date (YYYY-MM-DD), e.g. 2026-11-26 → 2026-W48. */
export function isoWeekLabel(date: string): string {
  const day = Date.parse(`${date}T00:00:00Z`);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(day + (3 - weekday) * DAY_MS); // the week belongs to the year of its Thursday
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export class LocalWeeks {
  readonly #intervals: LocalIntervals;
  readonly #weeks = new Map<string, WeekOf>();
  /** Local day → its week: most calls fall on a day already seen (no date parsing per event). */
  readonly #byDay = new Map<string, WeekOf>();

  constructor(timeZone: string) {
    this.#intervals = new LocalIntervals(timeZone);
  }

  of(at: number): WeekOf {
    const day = this.#intervals.of(at).day;
    const known = this.#byDay.get(day);
    if (known) return known;
    const dayMs = Date.parse(`${day}T00:00:00Z`);
    const mondayMs = dayMs - ((new Date(dayMs).getUTCDay() + 6) % 7) * DAY_MS;
    const start = new Date(mondayMs).toISOString().slice(0, 10);
    let week = this.#weeks.get(start);
    if (!week) {
      week = { start, startAt: this.#epochOfLocalMidnight(mondayMs), endAt: this.#epochOfLocalMidnight(mondayMs + 7 * DAY_MS) };
      if (this.#weeks.size > 10_000) this.#weeks.clear();
      this.#weeks.set(start, week);
    }
    if (this.#byDay.size > 10_000) this.#byDay.clear();
    this.#byDay.set(day, week);
    return week;
  }

  /** The instant whose local wall time is `localMs` (a local midnight), across offset changes. */
  #epochOfLocalMidnight(localMs: number): number {
    const guess = localMs - this.#intervals.offsetAt(localMs);
    return localMs - this.#intervals.offsetAt(guess);
  }
}
