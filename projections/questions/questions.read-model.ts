// Questions read model: tables and migrations around the pure evolve.
import type { ReadModel } from '../runtime/read-model.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { defaultQuestionsSettings, questionsLogic, type QuestionsSettings, type QuestionsState } from './questions.projection.ts';

const KEY = ['local_day', 'day_start', 'day_end', 'channel', 'queue_id', 'category'];

export function questionsReadModel(settings: QuestionsSettings = defaultQuestionsSettings): ReadModel<QuestionsState> {
  return {
    ...questionsLogic(settings),
    name: 'questions',
    description: 'customer questions per local day, channel, first queue and question category (codes, never the words), for top questions and their trend',
    topics: ['ledger.interactions'],
    // Analytics: pauses while DEGRADED sheds it, catches up from the log afterwards (docs/operations.md).
    sheddableFeature: 'analytics',
    settings: { timeZone: settings.timeZone, questionsVersion: 1 },
    tables: [{ name: 'daily', kind: 'counter', key: KEY }],
    migrations: [
      {
        name: '0001 daily questions',
        async up(knex, schema) {
          const s = quoteIdent(schema);
          await knex.raw(`create table ${s}.daily (local_day date not null, day_start bigint not null, day_end bigint not null, channel text not null,
            queue_id text not null, category text not null, questions bigint not null default 0, calls bigint not null default 0, primary key (${KEY.join(', ')}))`);
          await knex.raw(`create index on ${s}.daily (day_start)`);
        },
      },
    ],
  };
}
