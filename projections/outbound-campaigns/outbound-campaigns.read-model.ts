// Outbound campaigns read model: tables and migrations around the pure evolve.
import type { ReadModel } from '../runtime/read-model.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { CAMPAIGN_COUNTER_COLUMNS, outboundCampaignsLogic, type OutboundCampaignsState } from './outbound-campaigns.projection.ts';

export function outboundCampaignsReadModel(): ReadModel<OutboundCampaignsState> {
  return {
    ...outboundCampaignsLogic,
    name: 'outbound_campaigns',
    description: 'per outbound campaign: status, contacts, attempts, results, connects, drops, agent contacts, wrap-up outcomes; staffed and idle time per agent team and hour',
    topics: ['ledger.outbound', 'ledger.interactions', 'ledger.agents'],
    // Analytics: pauses while DEGRADED sheds it, catches up from the log afterwards (docs/operations.md).
    sheddableFeature: 'analytics',
    settings: { outcomesVersion: 1 },
    tables: [
      { name: 'campaigns', kind: 'state', key: ['campaign_id'] },
      { name: 'campaign_counts', kind: 'counter', key: ['campaign_id'] },
      { name: 'group_time', kind: 'counter', key: ['team', 'hour_start'] },
    ],
    migrations: [
      {
        name: '0001 campaigns, campaign counts, group time',
        async up(knex, schema) {
          const s = quoteIdent(schema);
          await knex.raw(`create table ${s}.campaigns (
            campaign_id text primary key, version int not null, name text not null, purpose text not null, dial_mode text not null, site text not null,
            agent_group text not null, max_drop_rate double precision, grace_seconds double precision, status text not null,
            started_at bigint, ended_at bigint, end_reason text)`);
          await knex.raw(`create table ${s}.campaign_counts (campaign_id text primary key,
            ${CAMPAIGN_COUNTER_COLUMNS.map((c) => `${c} bigint not null default 0`).join(', ')})`);
          await knex.raw(`create table ${s}.group_time (team text not null, hour_start bigint not null,
            staffed_ms bigint not null default 0, idle_ms bigint not null default 0, primary key (team, hour_start))`);
        },
      },
    ],
  };
}
