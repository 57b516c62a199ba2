// Intents per day (docs/metrics.md, "Intents"). Pure evolve per interaction: a call counts once,
// on the local day of its first event, under its entry channel and first queue, with the intent
// of its most authoritative source so far (INTENT_SOURCES, strongest last). When a stronger
// source (or the queue) arrives later, the call moves: -1 from the row it was in, +1 to the new
// one. Rows only receive additions, so the order of interactions does not matter; calls whose
// intent is not (yet) known count under intent '' (the day's total is the sum of all rows).
// Intents are compared trimmed and lower-cased (card_loss and CARD_LOSS are one intent).
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { ReadModelLogic, RowChange } from '../runtime/read-model.ts';
import { LocalDays } from '../calendar/local-days.ts';

export interface IntentsSettings {
  /** IANA time zone of the contact centre: days are local. */
  readonly timeZone: string;
}

export const defaultIntentsSettings: IntentsSettings = { timeZone: 'Asia/Shanghai' };

/**
 * Where a call's intent comes from, weakest first: the IVR's recognition, the intent that chose
 * the queue, the ticket template the extractor filled, the conversation summary, and the reason
 * the agent confirmed at wrap-up. A source replaces the intent of any weaker source, and a later
 * event of the same source replaces the earlier one.
 */
export const INTENT_SOURCES = ['IvrInputReceived', 'IvrExited', 'QueueEntered', 'TicketFieldsExtracted', 'SummaryGenerated', 'WrapUpCompleted'] as const;
export type IntentSource = (typeof INTENT_SOURCES)[number];

type Contribution = {
  readonly local_day: string;
  readonly day_start: number;
  readonly day_end: number;
  readonly channel: string;
  readonly queue_id: string;
  readonly intent: string;
  readonly intent_source: string;
};

export interface IntentsState {
  /** The row the call is counted in. */
  readonly counted?: Contribution;
}

export const intentsEventTypes: ReadonlySet<string> = new Set(['InteractionStarted', ...INTENT_SOURCES]);

function intentOf(event: AnyLedgerEvent): string | null {
  switch (event.type) {
    case 'IvrInputReceived':
    case 'IvrExited':
    case 'QueueEntered':
    case 'TicketFieldsExtracted':
    case 'SummaryGenerated':
    case 'WrapUpCompleted':
      return event.data.intent;
    default:
      return null;
  }
}

const strength = (source: string): number => INTENT_SOURCES.indexOf(source as IntentSource);

export function intentsLogic(settings: IntentsSettings = defaultIntentsSettings): ReadModelLogic<IntentsState> {
  const days = new LocalDays(settings.timeZone);
  return {
    eventTypes: intentsEventTypes,
    keyOf: (event) => (event.metadata.interactionId === null ? null : `interaction:${event.metadata.interactionId}`),
    initialState: () => ({}),
    evolve(state, event) {
      const before = state.counted;
      let next: Contribution;
      if (before) {
        next = before;
      } else {
        const day = days.of(event.metadata.occurredAt);
        next = { local_day: day.day, day_start: day.start, day_end: day.end, channel: 'UNKNOWN', queue_id: '', intent: '', intent_source: 'NONE' };
      }
      if (event.type === 'InteractionStarted') next = { ...next, channel: event.data.channel };
      if (event.type === 'QueueEntered' && next.queue_id === '') next = { ...next, queue_id: event.data.queueId };
      const intent = intentOf(event)?.trim().toLowerCase() ?? '';
      if (intent !== '' && strength(event.type) >= strength(next.intent_source)) next = { ...next, intent, intent_source: event.type };
      if (before && sameRow(before, next)) return { state, changes: [] };
      const changes: RowChange[] = [{ op: 'add', table: 'daily', key: next, values: { calls: 1 } }];
      if (before) changes.push({ op: 'add', table: 'daily', key: before, values: { calls: -1 } });
      return { state: { counted: next }, changes };
    },
  };
}

function sameRow(a: Contribution, b: Contribution): boolean {
  return a.channel === b.channel && a.queue_id === b.queue_id && a.intent === b.intent && a.intent_source === b.intent_source;
}
