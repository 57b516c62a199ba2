// The pure heart of the runtime: folds decoded events into per-entity documents and a change
// set. A document carries the read model's state and the ids of the entity's most recent
// events, so an event delivered twice under different offsets (a producer retry, a re-import)
// is recognised and dropped: all events of an entity share a partition, so a duplicate arrives
// after its original, within the entity's own stream. No clock, no I/O.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { ChangeSet } from './change-set.ts';
import type { ReadModelLogic } from './read-model.ts';

/** How many recent event ids an entity remembers for duplicate suppression. */
export const RECENT_EVENT_IDS = 64;

export interface EntityDocument<S> {
  state: S;
  /**
   * Most recent first-seen event ids of this entity, oldest first, at most RECENT_EVENT_IDS.
   * Updated in place (no copy per event): whoever keeps a document beyond the fold (a write in
   * flight) serialises it first.
   */
  readonly recentIds: string[];
}

export interface FoldOutcome {
  applied: number;
  duplicates: number;
  ignored: number;
}

/**
 * Applies one event. `documents` holds the entity documents known so far (loaded or evolved in
 * this batch); changed documents are written back into it and their keys added to `dirty`.
 * `knownKey` is the event's entity when the caller has computed it already (logic.keyOf).
 */
export function foldEvent<S>(
  logic: ReadModelLogic<S>,
  documents: Map<string, EntityDocument<S>>,
  dirty: Set<string>,
  changes: ChangeSet,
  event: AnyLedgerEvent,
  outcome: FoldOutcome,
  knownKey?: string | null,
): void {
  if (!logic.eventTypes.has(event.type)) {
    outcome.ignored += 1;
    return;
  }
  const key = knownKey === undefined ? logic.keyOf(event) : knownKey;
  if (key === null) {
    // Entity-less events carry no document, hence no duplicate memory: such read models must
    // make their row changes idempotent by themselves (e.g. a put keyed by the event id).
    const evolved = logic.evolve(logic.initialState(), event);
    for (const change of evolved.changes) changes.apply(change);
    outcome.applied += 1;
    return;
  }
  const document = documents.get(key);
  const eventId = event.metadata.eventId;
  if (document && document.recentIds.includes(eventId)) {
    outcome.duplicates += 1;
    return;
  }
  const evolved = logic.evolve(document ? document.state : logic.initialState(), event);
  for (const change of evolved.changes) changes.apply(change);
  if (document) {
    document.state = evolved.state;
    document.recentIds.push(eventId);
    if (document.recentIds.length > RECENT_EVENT_IDS) document.recentIds.shift();
  } else {
    documents.set(key, { state: evolved.state, recentIds: [eventId] });
  }
  dirty.add(key);
  outcome.applied += 1;
}
