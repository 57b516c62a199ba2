// Live queues read model: tables and migrations around the pure evolve.
import type { ReadModel } from '../runtime/read-model.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { liveQueuesLogic, type LiveQueuesState } from './live-queues.projection.ts';

export function liveQueuesReadModel(): ReadModel<LiveQueuesState> {
  return {
    ...liveQueuesLogic,
    name: 'live_queues',
    description: 'calls waiting per queue (position, tier, wait so far) and agents by state per queue and skill',
    topics: ['ledger.interactions', 'ledger.agents'],
    settings: {},
    tables: [
      { name: 'waiting', kind: 'state', key: ['interaction_id'] },
      { name: 'agents', kind: 'state', key: ['agent_id'] },
      { name: 'queue_requirements', kind: 'state', key: ['queue_id', 'requirement'] },
    ],
    migrations: [
      {
        name: '0001 waiting, agents, queue requirements',
        async up(knex, schema) {
          const s = quoteIdent(schema);
          await knex.raw(`create table ${s}.waiting (
            interaction_id text primary key, visit_id text not null, queue_id text not null, tier text not null, priority int not null,
            entered_at bigint not null, entry_position int not null, required_skills text[] not null, source_system text not null,
            ringing_agent_id text)`);
          await knex.raw(`create index on ${s}.waiting (queue_id, priority desc, entered_at, visit_id)`);
          await knex.raw(`create table ${s}.agents (
            agent_id text primary key, site text not null, skills text[] not null, teams text[] not null, logged_in boolean not null,
            state text not null, reason_code text, state_since bigint not null, interaction_id text)`);
          await knex.raw(`create table ${s}.queue_requirements (queue_id text not null, requirement text not null, primary key (queue_id, requirement))`);
        },
      },
    ],
  };
}
