// IVR funnel read model: tables and migrations around the pure evolve.
import type { ReadModel } from '../runtime/read-model.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { defaultIvrFunnelSettings, ivrFunnelLogic, NODE_COUNTER_COLUMNS, type IvrFunnelSettings, type IvrFunnelState } from './ivr-funnel.projection.ts';

const DAY = ['local_day', 'day_start', 'day_end'];
const NODE = [...DAY, 'flow_id', 'node_id'];

export function ivrFunnelReadModel(settings: IvrFunnelSettings = defaultIvrFunnelSettings): ReadModel<IvrFunnelState> {
  return {
    ...ivrFunnelLogic(settings),
    name: 'ivr_funnel',
    description: 'per IVR node and local day: entries, exits by reason, input failures, time in node (buckets); abandonment paths per day',
    topics: ['ledger.interactions'],
    // Analytics: pauses while DEGRADED sheds it, catches up from the log afterwards (docs/operations.md).
    sheddableFeature: 'analytics',
    settings: { timeZone: settings.timeZone, funnelVersion: 1 },
    tables: [
      { name: 'nodes', kind: 'counter', key: NODE },
      { name: 'node_time', kind: 'counter', key: [...NODE, 'upper_ms'] },
      { name: 'node_labels', kind: 'state', key: ['flow_id', 'flow_version', 'node_id'] },
      { name: 'abandon_paths', kind: 'counter', key: [...DAY, 'flow_id', 'path', 'ivr_exit', 'abandoned_in'] },
    ],
    migrations: [
      {
        name: '0001 nodes, node time, node labels, abandonment paths',
        async up(knex, schema) {
          const s = quoteIdent(schema);
          const day = 'local_day date not null, day_start bigint not null, day_end bigint not null';
          await knex.raw(`create table ${s}.nodes (${day}, flow_id text not null, node_id text not null,
            ${NODE_COUNTER_COLUMNS.map((c) => `${c} bigint not null default 0`).join(', ')}, primary key (${NODE.join(', ')}))`);
          await knex.raw(`create index on ${s}.nodes (day_start)`);
          await knex.raw(`create table ${s}.node_time (${day}, flow_id text not null, node_id text not null, upper_ms bigint not null,
            visits bigint not null default 0, primary key (${NODE.join(', ')}, upper_ms))`);
          await knex.raw(`create table ${s}.node_labels (flow_id text not null, flow_version int not null, node_id text not null,
            node_type text not null, node_label text, depth int not null, primary key (flow_id, flow_version, node_id))`);
          await knex.raw(`create table ${s}.abandon_paths (${day}, flow_id text not null, path text not null, ivr_exit text not null, abandoned_in text not null,
            calls bigint not null default 0, primary key (${DAY.join(', ')}, flow_id, path, ivr_exit, abandoned_in))`);
          await knex.raw(`create index on ${s}.abandon_paths (day_start)`);
        },
      },
    ],
  };
}
