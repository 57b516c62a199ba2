// Local calendar days of the contact centre (pure; Intl's time-zone data, no clock). The IVR
// funnel and intents read models count per local day; each row carries the day's date and the
// instants of its local midnights (`start`, `end`), so a query selects the days overlapping an
// instant range exactly (23- and 25-hour days included) without knowing the time zone.
import { LocalIntervals } from '../wallboard/intervals.ts';

export interface LocalDay {
  /** Local calendar date, YYYY-MM-DD. */
  readonly day: string;
  /** Epoch ms of the day's local midnight. */
  readonly start: number;
  /** Epoch ms of the next day's local midnight. */
  readonly end: number;
}

const HOUR_MS = 3_600_000;

export class LocalDays {
  readonly #intervals: LocalIntervals;
  readonly #days = new Map<string, LocalDay>();

  constructor(timeZone: string) {
    this.#intervals = new LocalIntervals(timeZone);
  }

  of(at: number): LocalDay {
    const { day } = this.#intervals.of(at);
    const known = this.#days.get(day);
    if (known) return known;
    const start = this.#midnightOf(day, at);
    // A local day lasts 23 to 25 hours: 25 hours after its start is inside the next day (or its first instant).
    const next = this.#intervals.of(start + 25 * HOUR_MS);
    const computed = { day, start, end: this.#midnightOf(next.day, start + 25 * HOUR_MS) };
    if (this.#days.size > 10_000) this.#days.clear();
    this.#days.set(day, computed);
    return computed;
  }

  #midnightOf(day: string, near: number): number {
    const localMidnight = Date.parse(`${day}T00:00:00Z`);
    // The offset at midnight, not at `near`: they differ on a daylight-saving day.
    const guess = localMidnight - this.#intervals.offsetAt(near);
    return localMidnight - this.#intervals.offsetAt(guess);
  }
}
