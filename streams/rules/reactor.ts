// The shape of the risk, QA and summary deciders. A reactor is pure and event-time driven: it
// reads no clock, draws no random numbers and does no I/O, so replaying the same ordered input
// through the same rule versions reproduces its output exactly (audit replay, what-if).
// `decide` may update the state it is given (the runner owns the state; this keeps a segment's
// scan to one pass) and returns the events to append, as { type, data }: the runner wraps them
// in envelopes with ids derived from the input event.
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';

/**
 * `dataSubject`: whose personal data the decision holds, when that is not the input's (a summary
 * written on a call-ended event that names no customer holds what the customer said earlier).
 */
export type Decision = { [T in LedgerEventType]: { readonly type: T; readonly data: LedgerEventMap[T]; readonly dataSubject?: string } }[LedgerEventType];

export interface Reactor<S> {
  initialState(): S;
  decide(event: AnyLedgerEvent, state: S): readonly Decision[];
}

/** Builds a decision with its data type checked against the event catalogue. */
export function decision<T extends LedgerEventType>(type: T, data: LedgerEventMap[T]): Decision {
  return { type, data } as Decision;
}
