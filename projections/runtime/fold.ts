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
  readonly state: S;
  /** Most recent first-seen event ids of this entity, oldest first, at most RECENT_EVENT_IDS. */
  readonly recentIds: readonly string[];
}

export interface FoldOutcome {
  applied: number;
  duplicates: number;
  ignored: number;
}

/**
 * Applies one event. `documents` holds the entity documents known so far (loaded or evolved in
 * this batch); changed documents are written back into it and their keys added to `dirty`.
 */
export function foldEvent<S>(
  logic: ReadModelLogic<S>,
  documents: Map<string, EntityDocument<S>>,
  dirty: Set<string>,
  changes: ChangeSet,
  event: AnyLedgerEvent,
  outcome: FoldOutcome,
): void {
  if (!logic.eventTypes.has(event.type)) {
    outcome.ignored += 1;
    return;
  }
  const key = logic.keyOf(event);
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
  const previous = document ? document.recentIds : [];
  const recentIds = previous.length >= RECENT_EVENT_IDS ? [...previous.slice(previous.length - RECENT_EVENT_IDS + 1), eventId] : [...previous, eventId];
  documents.set(key, { state: evolved.state, recentIds });
  dirty.add(key);
  outcome.applied += 1;
}
