// Decision latency as the processors of this process see it: the age of an input when its
// decisions are staged (now − the input record's time). The degradation controller takes the
// p99 of what was recorded since its previous sample. Inputs imported from a legacy system carry
// their historical time and are not counted.
import type { LogRecord } from '../../log/port.ts';
import { cloudEventHeaders } from '../../log/runtime/event-records.ts';

/** Enough for a p99 of a few seconds of decisions; older values are overwritten. */
const capacity = 20_000;

export class DecisionLatency {
  readonly #values = new Float64Array(capacity);
  #count = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** For a processor's onOutputs: one input that produced decisions. */
  recordInput(input: LogRecord): void {
    if (input.headers[cloudEventHeaders.source]?.startsWith('legacy:')) return;
    this.record(Math.max(0, this.#now() - input.timestamp));
  }

  record(milliseconds: number): void {
    this.#values[this.#count % capacity] = milliseconds;
    this.#count += 1;
  }

  /** The p99 of what was recorded since the previous call (null: nothing was), and starts afresh. */
  takeP99(): number | null {
    const n = Math.min(this.#count, capacity);
    if (n === 0) return null;
    const sorted = this.#values.slice(0, n).sort();
    this.#count = 0;
    return sorted[Math.min(n - 1, Math.ceil(n * 0.99) - 1)];
  }
}
