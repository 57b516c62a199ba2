// Customer questions per day (docs/metrics.md, "Questions"). Pure evolve per interaction: the
// question categories of a call's summary (SummaryGenerated.questions — codes of the question
// taxonomy, never the words) count on the local day of the call's first event, under its entry
// channel and first queue, like the call in the intents read model. A later summary of the call
// replaces the earlier one's questions, and when the call's queue arrives after its summary the
// questions move with it (-n from the old row, +n to the new): rows only receive additions, so
// the order of interactions does not matter.
import type { ReadModelLogic, RowChange } from '../runtime/read-model.ts';
import { LocalDays } from '../calendar/local-days.ts';

export interface QuestionsSettings {
  /** IANA time zone of the contact centre: days are local. */
  readonly timeZone: string;
}

export const defaultQuestionsSettings: QuestionsSettings = { timeZone: 'Asia/Shanghai' };

type Coordinates = {
  readonly local_day: string;
  readonly day_start: number;
  readonly day_end: number;
  readonly channel: string;
  readonly queue_id: string;
};

type QuestionCount = { readonly category: string; readonly count: number };

export interface QuestionsState {
  /** Where the call's questions count. */
  readonly call?: Coordinates;
  /** The questions of its latest summary. */
  readonly questions?: readonly QuestionCount[];
}

export const questionsEventTypes: ReadonlySet<string> = new Set(['InteractionStarted', 'QueueEntered', 'SummaryGenerated']);

export function questionsLogic(settings: QuestionsSettings = defaultQuestionsSettings): ReadModelLogic<QuestionsState> {
  const days = new LocalDays(settings.timeZone);
  return {
    eventTypes: questionsEventTypes,
    keyOf: (event) => (event.metadata.interactionId === null ? null : `interaction:${event.metadata.interactionId}`),
    initialState: () => ({}),
    evolve(state, event) {
      const before = state.call;
      let call: Coordinates;
      if (before) {
        call = before;
      } else {
        const day = days.of(event.metadata.occurredAt);
        call = { local_day: day.day, day_start: day.start, day_end: day.end, channel: 'UNKNOWN', queue_id: '' };
      }
      if (event.type === 'InteractionStarted') call = { ...call, channel: event.data.channel };
      if (event.type === 'QueueEntered' && call.queue_id === '') call = { ...call, queue_id: event.data.queueId };
      const askedBefore = state.questions ?? [];
      const asked = event.type === 'SummaryGenerated' ? questionsOf(event.data.questions) : askedBefore;
      const next: QuestionsState = asked.length > 0 ? { call, questions: asked } : { call };
      if (before && sameCoordinates(before, call) && sameQuestions(askedBefore, asked)) return { state, changes: [] };
      const changes: RowChange[] = [];
      if (before) for (const q of askedBefore) changes.push({ op: 'add', table: 'daily', key: rowKey(before, q.category), values: { questions: -q.count, calls: -1 } });
      for (const q of asked) changes.push({ op: 'add', table: 'daily', key: rowKey(call, q.category), values: { questions: q.count, calls: 1 } });
      return { state: next, changes };
    },
  };
}

/** Positive counts per category code, one entry per code (trimmed, lower-cased), sorted. */
function questionsOf(questions: readonly QuestionCount[]): QuestionCount[] {
  const byCategory = new Map<string, number>();
  for (const q of questions) {
    const category = q.category.trim().toLowerCase();
    if (category !== '' && q.count > 0) byCategory.set(category, (byCategory.get(category) ?? 0) + q.count);
  }
  return [...byCategory].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([category, count]) => ({ category, count }));
}

function sameCoordinates(a: Coordinates, b: Coordinates): boolean {
  return a.channel === b.channel && a.queue_id === b.queue_id;
}

function sameQuestions(a: readonly QuestionCount[], b: readonly QuestionCount[]): boolean {
  return a.length === b.length && a.every((q, i) => q.category === b[i].category && q.count === b[i].count);
}

function rowKey(call: Coordinates, category: string): Record<string, string | number> {
  return { ...call, category };
}
