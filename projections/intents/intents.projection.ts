// Intents per day (docs/metrics.md, "Intents and questions"). Pure evolve per interaction: a call counts once,
// on the local day of its first event, under its entry channel and first queue, with the intent
// of its most authoritative source so far (INTENT_SOURCES, strongest last). When a stronger
// source (or the queue) arrives later, the call moves: -1 from the row it was in, +1 to the new
// one. Rows only receive additions, so the order of interactions does not matter; calls whose
// intent is not (yet) known count under intent '' (the day's total is the sum of all rows).
// Intents are compared trimmed and lower-cased (card_loss and CARD_LOSS are one intent).
// The customer's questions (SummaryGenerated.questions: category codes, never the words) count
// in the `questions` table on the same row coordinates as the call; a later summary of the call
// replaces the earlier one's questions, and when the call moves, its questions move with it.
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

type QuestionCount = { readonly category: string; readonly count: number };

export interface IntentsState {
  /** The row the call is counted in. */
  readonly counted?: Contribution;
  /** The questions of its latest summary, counted under `counted`. */
  readonly questions?: readonly QuestionCount[];
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
      const askedBefore = state.questions ?? [];
      const asked = event.type === 'SummaryGenerated' ? questionsOf(event.data.questions) : askedBefore;
      const moved = !before || !sameRow(before, next);
      if (!moved && sameQuestions(askedBefore, asked)) return { state, changes: [] };
      const changes: RowChange[] = [];
      if (moved) {
        changes.push({ op: 'add', table: 'daily', key: next, values: { calls: 1 } });
        if (before) changes.push({ op: 'add', table: 'daily', key: before, values: { calls: -1 } });
      }
      if (before) for (const q of askedBefore) changes.push({ op: 'add', table: 'questions', key: questionKey(before, q.category), values: { questions: -q.count, calls: -1 } });
      for (const q of asked) changes.push({ op: 'add', table: 'questions', key: questionKey(next, q.category), values: { questions: q.count, calls: 1 } });
      return { state: asked.length > 0 ? { counted: next, questions: asked } : { counted: next }, changes };
    },
  };
}

/** Positive counts per category code, one entry per code, trimmed and lower-cased like intents. */
function questionsOf(questions: readonly QuestionCount[]): QuestionCount[] {
  const byCategory = new Map<string, number>();
  for (const q of questions) {
    const category = q.category.trim().toLowerCase();
    if (category !== '' && q.count > 0) byCategory.set(category, (byCategory.get(category) ?? 0) + q.count);
  }
  return [...byCategory].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([category, count]) => ({ category, count }));
}

function sameQuestions(a: readonly QuestionCount[], b: readonly QuestionCount[]): boolean {
  return a.length === b.length && a.every((q, i) => q.category === b[i].category && q.count === b[i].count);
}

function questionKey(row: Contribution, category: string): Record<string, string | number> {
  return { local_day: row.local_day, day_start: row.day_start, day_end: row.day_end, channel: row.channel, queue_id: row.queue_id, category };
}

function sameRow(a: Contribution, b: Contribution): boolean {
  return a.channel === b.channel && a.queue_id === b.queue_id && a.intent === b.intent && a.intent_source === b.intent_source;
}
