// Event-time intervals in the contact centre's local time zone (pure; Intl's time-zone data,
// no clock). A 15-minute interval starts at a local quarter hour; its local day is the calendar
// date at the centre, so an interval never straddles local midnight.
export const INTERVAL_MS = 15 * 60 * 1000;

export interface IntervalOf {
  /** Epoch ms of the interval's start. */
  readonly start: number;
  /** Local calendar date of the interval, YYYY-MM-DD. */
  readonly day: string;
}

/**
 * Offsets are looked up once per UTC quarter hour and cached: every time zone's offset is a
 * multiple of 15 minutes and transitions fall on quarter hours, so one offset holds for the
 * whole UTC quarter hour.
 */
export class LocalIntervals {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #offsets = new Map<number, number>();
  readonly #intervals = new Map<number, IntervalOf>();

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  /** Local time minus UTC, in ms, at instant `at`. */
  offsetAt(at: number): number {
    const quarter = Math.floor(at / INTERVAL_MS);
    let offset = this.#offsets.get(quarter);
    if (offset === undefined) {
      const probe = quarter * INTERVAL_MS;
      const parts: Record<string, number> = {};
      for (const part of this.#format.formatToParts(new Date(probe))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
      offset = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - probe;
      if (this.#offsets.size > 100_000) this.#offsets.clear();
      this.#offsets.set(quarter, offset);
    }
    return offset;
  }

  of(at: number): IntervalOf {
    const quarter = Math.floor(at / INTERVAL_MS);
    const known = this.#intervals.get(quarter);
    if (known) return known;
    const interval = this.#compute(at);
    if (this.#intervals.size > 100_000) this.#intervals.clear();
    this.#intervals.set(quarter, interval);
    return interval;
  }

  #compute(at: number): IntervalOf {
    const offset = this.offsetAt(at);
    const local = at + offset;
    const localStart = Math.floor(local / INTERVAL_MS) * INTERVAL_MS;
    return { start: localStart - offset, day: new Date(localStart).toISOString().slice(0, 10) };
  }
}
