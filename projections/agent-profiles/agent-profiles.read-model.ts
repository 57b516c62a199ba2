// Agent profiles read model: tables and migrations around the pure evolve.
import type { ReadModel } from '../runtime/read-model.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { agentProfilesLogic, defaultAgentProfilesSettings, OTHER_STATE_COLUMN, STATE_COLUMNS, type AgentProfilesSettings, type AgentProfilesState } from './agent-profiles.projection.ts';

const WEEK_KEY = ['agent_id', 'week_start', 'week_start_at', 'week_end_at'];

/** The additive columns of `agent_weeks` (docs/metrics.md, "Agent profiles"). */
export const AGENT_WEEK_COLUMNS = [
  'offers', 'handled', 'talk_ms', 'hold_ms', 'held_contacts', 'wrap_ups', 'wrap_ms', 'resolved', 'transfers_out', 'ring_no_answer', 'declined',
  'qa_scored', 'qa_score_bp', 'qa_passed', 'qa_findings', ...Object.values(STATE_COLUMNS), OTHER_STATE_COLUMN,
] as const;

export function agentProfilesReadModel(settings: AgentProfilesSettings = defaultAgentProfilesSettings): ReadModel<AgentProfilesState> {
  return {
    ...agentProfilesLogic(settings),
    name: 'agent_profiles',
    description: 'per agent and ISO week (local time): calls handled, handle time split, resolution, transfers out, QA, ring-no-answers, time per state',
    topics: ['ledger.interactions', 'ledger.agents'],
    // Analytics: pauses while DEGRADED sheds it, catches up from the log afterwards (docs/operations.md).
    sheddableFeature: 'analytics',
    settings: { timeZone: settings.timeZone, metricsVersion: 1 },
    tables: [
      { name: 'agent_weeks', kind: 'counter', key: WEEK_KEY },
      { name: 'agent_qa_findings', kind: 'counter', key: [...WEEK_KEY, 'category'] },
      { name: 'agents', kind: 'state', key: ['agent_id'] },
    ],
    migrations: [
      {
        name: '0001 agent weeks, QA findings by category, agents',
        async up(knex, schema) {
          const s = quoteIdent(schema);
          const key = 'agent_id text not null, week_start date not null, week_start_at bigint not null, week_end_at bigint not null';
          await knex.raw(`create table ${s}.agent_weeks (${key}, ${AGENT_WEEK_COLUMNS.map((c) => `${c} bigint not null default 0`).join(', ')},
            primary key (${WEEK_KEY.join(', ')}))`);
          await knex.raw(`create index on ${s}.agent_weeks (week_start_at)`);
          await knex.raw(`create table ${s}.agent_qa_findings (${key}, category text not null, findings bigint not null default 0,
            points_deducted_centi bigint not null default 0, primary key (${WEEK_KEY.join(', ')}, category))`);
          await knex.raw(`create table ${s}.agents (agent_id text primary key, site text not null, teams text[] not null)`);
        },
      },
    ],
  };
}
