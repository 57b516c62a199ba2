// Wallboard read model: tables and migrations around the pure evolve.
import type { ReadModel } from '../runtime/read-model.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { COUNTER_COLUMNS } from './wallboard.metrics.ts';
import { defaultWallboardSettings, wallboardLogic, type WallboardSettings, type WallboardState } from './wallboard.projection.ts';

const DIMENSIONS = ['interval_start', 'local_day', 'queue_id', 'tier', 'source_system'];

export function wallboardReadModel(settings: WallboardSettings = defaultWallboardSettings): ReadModel<WallboardState> {
  return {
    ...wallboardLogic(settings),
    name: 'wallboard',
    description: 'KPIs per 15-minute interval (local time), queue, customer tier and source system; wait buckets; agent state time',
    topics: ['ledger.interactions', 'ledger.agents'],
    // Interval KPIs can wait under overload; what is waiting and who is free now is live_queues (core).
    sheddableFeature: 'analytics',
    settings: { serviceLevelSeconds: settings.serviceLevelSeconds, shortAbandonSeconds: settings.shortAbandonSeconds, timeZone: settings.timeZone, metricsVersion: 1 },
    tables: [
      { name: 'intervals', kind: 'counter', key: DIMENSIONS },
      { name: 'wait_buckets', kind: 'counter', key: [...DIMENSIONS, 'outcome', 'upper_ms'] },
      { name: 'agent_state_time', kind: 'counter', key: ['interval_start', 'local_day', 'agent_id', 'state'] },
    ],
    migrations: [
      {
        name: '0001 intervals, wait buckets, agent state time',
        async up(knex, schema) {
          const s = quoteIdent(schema);
          const dims = `interval_start bigint not null, local_day date not null, queue_id text not null, tier text not null, source_system text not null`;
          await knex.raw(`create table ${s}.intervals (${dims}, ${COUNTER_COLUMNS.map((c) => `${c} bigint not null default 0`).join(', ')},
            primary key (${DIMENSIONS.join(', ')}))`);
          await knex.raw(`create index on ${s}.intervals (local_day)`);
          await knex.raw(`create table ${s}.wait_buckets (${dims}, outcome text not null, upper_ms bigint not null, visits bigint not null default 0,
            primary key (${DIMENSIONS.join(', ')}, outcome, upper_ms))`);
          await knex.raw(`create table ${s}.agent_state_time (interval_start bigint not null, local_day date not null, agent_id text not null, state text not null,
            ms bigint not null default 0, primary key (interval_start, local_day, agent_id, state))`);
        },
      },
    ],
  };
}
