// Customer history read model: tables and migrations around the pure evolve.
import type { ReadModel } from '../runtime/read-model.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { customerHistoryLogic, type CustomerHistoryState } from './customer-history.projection.ts';

export function customerHistoryReadModel(): ReadModel<CustomerHistoryState> {
  return {
    ...customerHistoryLogic,
    name: 'customer_history',
    description: 'per customer and interaction: channel, times, intent, outcome, agent, summary (encrypted as in the log), ticket, risk flags — the screen pop',
    topics: ['ledger.interactions'],
    settings: {},
    tables: [{ name: 'contacts', kind: 'state', key: ['customer_id', 'interaction_id'] }],
    migrations: [
      {
        name: '0001 contacts',
        async up(knex, schema) {
          const s = quoteIdent(schema);
          await knex.raw(`create table ${s}.contacts (
            customer_id text not null, interaction_id text not null, channel text not null, direction text not null, source_system text not null,
            started_at bigint not null, last_at bigint not null, ended_at bigint, tier text, queue_id text, intent text, outcome text not null,
            disposition text, agent_id text, summary text, summary_subject text, ticket_id text, ticket_template text, ticket_status text,
            follow_up_required boolean not null, risk_flags text[] not null, blocked_operations text[] not null,
            primary key (customer_id, interaction_id))`);
          await knex.raw(`create index on ${s}.contacts (customer_id, started_at desc, interaction_id desc)`);
        },
      },
    ],
  };
}
