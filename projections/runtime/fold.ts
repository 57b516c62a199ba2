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
  readonly key: string;
  state: S;
  /**
   * Most recent first-seen event ids of this entity, oldest first, at most RECENT_EVENT_IDS.
   * Updated in place (no copy per event): whoever keeps a document beyond the fold (a write in
   * flight) serialises it first.
   */
  readonly recentIds: string[];
  /**
   * The fold that last changed it (see foldIntoDocument): the processor collects a batch's
   * changed documents by marking them instead of keeping a set of keys, one hash look-up less
   * per event and read model.
   */
  changedIn: number;
  /** The read model's version holds a row of it (processor bookkeeping: the others are written by COPY). */
  stored: boolean;
}

export interface FoldOutcome {
  applied: number;
  duplicates: number;
  ignored: number;
}

/** A document new to the version, or (`recentIds`, `stored`) one loaded from it. */
export function newDocument<S>(key: string, state: S, recentIds: string[] = [], stored = false): EntityDocument<S> {
  return { key, state, recentIds, changedIn: -1, stored };
}

/**
 * Applies one event of `logic`'s types to the document of its entity (looked up by the caller).
 * Returns true when it changed the document: the first time within fold `foldId`, the caller
 * collects it as changed. A duplicate event id changes nothing.
 */
export function foldIntoDocument<S>(logic: ReadModelLogic<S>, document: EntityDocument<S>, changes: ChangeSet, event: AnyLedgerEvent, outcome: FoldOutcome, foldId: number): boolean {
  const eventId = event.metadata.eventId;
  if (document.recentIds.includes(eventId)) {
    outcome.duplicates += 1;
    return false;
  }
  const evolved = logic.evolve(document.state, event);
  for (const change of evolved.changes) changes.apply(change);
  document.state = evolved.state;
  document.recentIds.push(eventId);
  if (document.recentIds.length > RECENT_EVENT_IDS) document.recentIds.shift();
  outcome.applied += 1;
  if (document.changedIn === foldId) return false;
  document.changedIn = foldId;
  return true;
}

/**
 * Applies an event without an entity (keyOf null): no document, hence no duplicate memory: such
 * read models must make their row changes idempotent by themselves (e.g. a put keyed by the event id).
 */
export function foldEntityless<S>(logic: ReadModelLogic<S>, changes: ChangeSet, event: AnyLedgerEvent, outcome: FoldOutcome): void {
  const evolved = logic.evolve(logic.initialState(), event);
  for (const change of evolved.changes) changes.apply(change);
  outcome.applied += 1;
}

/**
 * Applies one event, looking its document up in `documents` (created on the entity's first
 * event); the keys of changed documents are added to `dirty`. The map-based form, for folds
 * outside the processor (the given/when/then specs).
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
    foldEntityless(logic, changes, event, outcome);
    return;
  }
  let document = documents.get(key);
  if (!document) {
    document = newDocument(key, logic.initialState());
    documents.set(key, document);
  }
  const applied = outcome.applied;
  foldIntoDocument(logic, document, changes, event, outcome, 0);
  if (outcome.applied > applied) dirty.add(key);
}
