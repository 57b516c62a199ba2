// What a stream processor is, for the runtime that runs it (run-processor.ts): a pure decider
// over decoded input events, plus how to snapshot its state. Types only: deciders import this
// file without pulling in any I/O.
import type { LedgerEventMap } from '../../schemas/generated/events.ts';

/** A decided event without its envelope: the runtime adds the event id (UUIDv5), producer and causation. */
export interface Decision<T extends keyof LedgerEventMap = keyof LedgerEventMap> {
  readonly type: T;
  /** Event time of the decision (from the input or a timer), also the record timestamp. */
  readonly occurredAt: number;
  readonly interactionId: string | null;
  readonly data: LedgerEventMap[T];
  /** Whose personal fields the decision carries (they are encrypted with that subject's key). Default none. */
  readonly dataSubject?: string | null;
  /** producer.component of this decision when one processor runs several deciders. Default: the definition's. */
  readonly component?: string;
}

/** A record passed on as it is (same bytes), e.g. the routing sequencer re-keying inputs by site. */
export interface Forward {
  readonly forward: { readonly topic: string; readonly key: string; readonly headers?: Readonly<Record<string, string>> };
}

export type ProcessorOutput = Decision | Forward;

/** The source of the input, for processors that forward records or need their position. */
export interface InputSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly timestamp: number;
}

/** A decoded ledger event as the runtime hands it over. */
export interface InputEvent {
  readonly type: string;
  readonly metadata: { readonly eventId: string; readonly occurredAt: number; readonly interactionId: string | null; readonly correlationId: string | null; readonly producer: { readonly component: string } };
  readonly data: object;
}

export interface ProcessorDefinition<State, Input> {
  /** Consumer group and snapshot name. */
  readonly name: string;
  /** producer.component of what it emits, e.g. streams/routing. */
  readonly component: string;
  readonly version: string;
  readonly inputTopics: readonly string[];
  /**
   * How outputs reach the log (log/port.ts SubscribeOptions.outputDelivery). Live-path
   * processors (routing, risk) choose 'at-least-once' for latency; the runner makes repeats
   * harmless. Default 'atomic'.
   */
  readonly outputDelivery?: 'atomic' | 'at-least-once';
  /**
   * Optional: the only event types `accept` may take. Records of other types are skipped by their
   * schema id without decoding them (most of ledger.interactions is transcript text routing
   * never reads).
   */
  readonly inputTypes?: ReadonlySet<string>;
  /** The inputs it decides on; others are skipped (not dead-lettered). */
  accept(event: InputEvent): Input | undefined;
  initialState(): State;
  /**
   * Deterministic: same state and input, same outputs. May advance `state` in place. An error with
   * `retriable: false` refuses the input (dead-lettered, state unchanged); any other error stops
   * the processor and its state is rebuilt (snapshot + tail) on restart.
   */
  decide(input: Input, state: State, source: InputSource): readonly ProcessorOutput[];
  toSnapshot(state: State): unknown;
  fromSnapshot(snapshot: unknown): State;
}
