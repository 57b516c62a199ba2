// Intents read model: tables and migrations around the pure evolve.
import type { ReadModel } from '../runtime/read-model.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { defaultIntentsSettings, intentsLogic, type IntentsSettings, type IntentsState } from './intents.projection.ts';

const KEY = ['local_day', 'day_start', 'day_end', 'channel', 'queue_id', 'intent', 'intent_source'];

export function intentsReadModel(settings: IntentsSettings = defaultIntentsSettings): ReadModel<IntentsState> {
  return {
    ...intentsLogic(settings),
    name: 'intents',
    description: 'calls per local day, channel, first queue and intent (from its most authoritative source), for top intents and their trend',
    topics: ['ledger.interactions'],
    // Analytics: pauses while DEGRADED sheds it, catches up from the log afterwards (docs/operations.md).
    sheddableFeature: 'analytics',
    settings: { timeZone: settings.timeZone, intentsVersion: 1 },
    tables: [{ name: 'daily', kind: 'counter', key: KEY }],
    migrations: [
      {
        name: '0001 daily intents',
        async up(knex, schema) {
          const s = quoteIdent(schema);
          await knex.raw(`create table ${s}.daily (local_day date not null, day_start bigint not null, day_end bigint not null, channel text not null,
            queue_id text not null, intent text not null, intent_source text not null, calls bigint not null default 0, primary key (${KEY.join(', ')}))`);
          await knex.raw(`create index on ${s}.daily (day_start)`);
        },
      },
    ],
  };
}
