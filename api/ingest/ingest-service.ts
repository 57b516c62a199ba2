// Appends validated, encoded events with group commit and dedupe on event id. Requests that
// arrive while an append is in flight are gathered into the next one (one dedupe claim, one log
// append, one confirm per group), so many small concurrent requests cost few round trips; groups
// claim side by side but append one at a time, in turn. Each request's promise settles only when
// its own events are durably in the log.
import type { AppendRecord, AppendResult, LedgerLog } from '../../log/port.ts';
import type { AcceptedIds, LogPosition } from './accepted-ids.ts';

export interface PendingEvent {
  readonly eventId: string;
  readonly type: string;
  readonly source: string;
  readonly record: AppendRecord;
}

export type IngestOutcome =
  | { readonly eventId: string; readonly status: 'accepted' | 'duplicate'; readonly position: LogPosition }
  | { readonly eventId: string; readonly status: 'in-progress' };

interface Unit {
  readonly events: readonly PendingEvent[];
  resolve(outcomes: IngestOutcome[]): void;
  reject(error: unknown): void;
}

export interface IngestObserver {
  appended(event: PendingEvent): void;
  duplicate(event: PendingEvent): void;
  batch(size: number): void;
  confirmFailed(error: unknown): void;
}

const silent: IngestObserver = { appended() {}, duplicate() {}, batch() {}, confirmFailed() {} };

export class IngestService {
  private readonly log: LedgerLog;
  private readonly ids: AcceptedIds;
  private readonly maxGroup: number;
  private readonly concurrency: number;
  private readonly observer: IngestObserver;
  private readonly queue: Unit[] = [];
  private running = 0;
  /** The last group's append; the next group's starts once it has settled. */
  private appendTurn: Promise<unknown> = Promise.resolve();

  constructor(options: { log: LedgerLog; acceptedIds: AcceptedIds; maxGroupEvents?: number; concurrency?: number; observer?: IngestObserver }) {
    this.log = options.log;
    this.ids = options.acceptedIds;
    this.maxGroup = options.maxGroupEvents ?? 2000;
    // Three groups in flight, their log appends one after another (appendInTurn): the next groups
    // claim their ids while one appends. Appends side by side would only queue on the same
    // partition heads in PostgreSQL (nearly every group touches every partition) and split the
    // traffic into smaller appends, each paying its own commit: docs/BENCHMARKS.md "## API".
    this.concurrency = options.concurrency ?? 3;
    this.observer = options.observer ?? silent;
  }

  /** Appends the events (all of one request) unless already accepted; resolves once durable. */
  submit(events: readonly PendingEvent[]): Promise<IngestOutcome[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.pump();
    });
  }

  private readonly confirms: (LogPosition & { eventId: string })[] = [];
  private confirming: Promise<void> | null = null;

  private confirmLater(entries: readonly (LogPosition & { eventId: string })[]): void {
    this.confirms.push(...entries);
    if (this.confirming || this.confirms.length === 0) return;
    const run = async (): Promise<void> => {
      while (this.confirms.length > 0) {
        const batch = this.confirms.splice(0, 5000);
        await this.ids.confirm(batch).catch((error: unknown) => this.observer.confirmFailed(error));
      }
    };
    this.confirming = run().finally(() => {
      this.confirming = null;
    });
  }

  /** Resolves once every position recorded so far is confirmed (shutdown, specs). */
  async drain(): Promise<void> {
    while (this.confirming) await this.confirming;
  }

  private appendInTurn(records: readonly AppendRecord[]): Promise<AppendResult[]> {
    const append = this.appendTurn.then(() => this.log.append(records));
    this.appendTurn = append.catch(() => undefined);
    return append;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const group: Unit[] = [];
      let size = 0;
      while (this.queue.length > 0 && (group.length === 0 || size + this.queue[0].events.length <= this.maxGroup)) {
        const unit = this.queue.shift() as Unit;
        group.push(unit);
        size += unit.events.length;
      }
      this.running += 1;
      this.flush(group).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async flush(group: readonly Unit[]): Promise<void> {
    // The first occurrence of an id in the group is the one appended; later ones are duplicates of it.
    const first = new Map<string, PendingEvent>();
    for (const unit of group) for (const event of unit.events) if (!first.has(event.eventId)) first.set(event.eventId, event);
    let claimedIds: string[] = [];
    try {
      const claim = await this.ids.claim([...first.keys()]);
      const toAppend = [...first.values()].filter((e) => claim.claimed.has(e.eventId));
      claimedIds = toAppend.map((e) => e.eventId);
      this.observer.batch(toAppend.length);
      const results = toAppend.length > 0 ? await this.appendInTurn(toAppend.map((e) => e.record)) : [];
      const positions = new Map<string, LogPosition>();
      toAppend.forEach((event, i) => {
        const r = results[i];
        positions.set(event.eventId, { topic: r.topic, partition: r.partition, offset: r.offset });
        this.observer.appended(event);
      });
      claimedIds = [];
      // The events are durable: answer now, record their positions in the background (a retry
      // that arrives before the confirm lands is told 409 in-progress, and retries again).
      this.confirmLater(toAppend.map((e) => ({ eventId: e.eventId, ...(positions.get(e.eventId) as LogPosition) })));
      const answered = new Set<string>();
      for (const unit of group) {
        unit.resolve(unit.events.map((event): IngestOutcome => {
          const fresh = positions.get(event.eventId);
          if (fresh && !answered.has(event.eventId)) {
            answered.add(event.eventId);
            return { eventId: event.eventId, status: 'accepted', position: fresh };
          }
          const known = fresh ?? claim.accepted.get(event.eventId);
          if (known) {
            this.observer.duplicate(event);
            return { eventId: event.eventId, status: 'duplicate', position: known };
          }
          return { eventId: event.eventId, status: 'in-progress' };
        }));
      }
    } catch (error) {
      await this.ids.release(claimedIds).catch(() => undefined);
      for (const unit of group) unit.reject(error);
    }
  }
}
