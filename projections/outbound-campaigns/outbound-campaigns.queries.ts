// Queries of the outbound campaigns read model, through the stable views in `<prefix>_read`:
// one row per campaign with its counters and the derived figures (docs/outbound.md, "Figures").
// Agent time is the campaign's agent group's (team's) staffed and idle time in the hours from the
// campaign's start to its end (or `now`): a team that serves two campaigns at once counts in both.
import type { Knex } from 'knex';
import { quoteIdent } from '../runtime/table-writer.ts';
import { CAMPAIGN_COUNTER_COLUMNS } from './outbound-campaigns.projection.ts';

export interface CampaignFigures {
  readonly campaignId: string;
  readonly name: string;
  readonly purpose: string;
  readonly dialMode: string;
  readonly site: string;
  readonly agentGroup: string;
  readonly status: string;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly maxDropRate: number | null;
  readonly contacts: number;
  readonly attempts: number;
  readonly connects: number;
  readonly drops: number;
  readonly noAnswer: number;
  readonly busy: number;
  readonly voicemail: number;
  readonly failed: number;
  readonly agentContacts: number;
  readonly rightPartyContacts: number;
  readonly promisesToPay: number;
  readonly disputes: number;
  readonly wrongNumbers: number;
  /** drops ÷ connects: answered calls with no agent within the grace (DialResult DROPPED) over answered calls; null before any. */
  readonly abandonRate: number | null;
  /** connects ÷ results. */
  readonly answerRate: number | null;
  /** Mean time from answer to agent, ms, over calls an agent took. */
  readonly meanAgentWaitMs: number | null;
  readonly staffedAgentHours: number;
  readonly agentIdleHours: number;
  /** idle ÷ staffed time of the group. */
  readonly agentIdleShare: number | null;
  /** Calls an agent took ÷ staffed agent hours. */
  readonly contactsPerAgentHour: number | null;
}

function view(readSchema: string, table: string): string {
  return `${quoteIdent(readSchema)}.${quoteIdent(`outbound_campaigns_${table}`)}`;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);
const hourMs = 3_600_000;

/** Campaigns started before `to` and not ended before `from`, newest first; one campaign when `campaignId` is given. */
export async function campaignFigures(knex: Knex, readSchema: string, filter: { from: number; to: number; now: number; campaignId: string | null }): Promise<CampaignFigures[]> {
  // The first binding ends the agent-time window of a running campaign (in the lateral join).
  const bindings: (string | number)[] = [filter.now, filter.to, filter.from];
  let where = 'coalesce(c.started_at, 0) < ? and coalesce(c.ended_at, 9223372036854775807) >= ?';
  if (filter.campaignId !== null) {
    where += ' and c.campaign_id = ?';
    bindings.push(filter.campaignId);
  }
  const rows = (await knex.raw<{ rows: Record<string, string | number | null>[] }>(
    `select c.*, ${CAMPAIGN_COUNTER_COLUMNS.map((col) => `coalesce(n.${col}, 0) as ${col}`).join(', ')}, coalesce(t.staffed_ms, 0) as staffed_ms, coalesce(t.idle_ms, 0) as idle_ms
     from ${view(readSchema, 'campaigns')} c
     left join ${view(readSchema, 'campaign_counts')} n on n.campaign_id = c.campaign_id
     left join lateral (select sum(g.staffed_ms) as staffed_ms, sum(g.idle_ms) as idle_ms from ${view(readSchema, 'group_time')} g
                        where g.team = c.agent_group and g.hour_start >= (coalesce(c.started_at, 0) / ${hourMs}) * ${hourMs}
                          and g.hour_start < coalesce(c.ended_at, ?)) t on true
     where ${where}
     order by c.started_at desc nulls last, c.campaign_id`,
    bindings,
  )).rows;
  return rows.map((r) => {
    const n = (column: string): number => Number(r[column] ?? 0);
    const results = n('connects') + n('no_answer') + n('busy') + n('voicemail') + n('failed');
    const staffedHours = n('staffed_ms') / hourMs;
    return {
      campaignId: String(r.campaign_id), name: String(r.name), purpose: String(r.purpose), dialMode: String(r.dial_mode), site: String(r.site), agentGroup: String(r.agent_group),
      status: String(r.status), startedAt: r.started_at === null ? null : Number(r.started_at), endedAt: r.ended_at === null ? null : Number(r.ended_at),
      maxDropRate: r.max_drop_rate === null ? null : Number(r.max_drop_rate),
      contacts: n('contacts'), attempts: n('attempts'), connects: n('connects'), drops: n('drops'), noAnswer: n('no_answer'), busy: n('busy'), voicemail: n('voicemail'), failed: n('failed'),
      agentContacts: n('agent_contacts'), rightPartyContacts: n('right_party_contacts'), promisesToPay: n('promises_to_pay'), disputes: n('disputes'), wrongNumbers: n('wrong_numbers'),
      abandonRate: ratio(n('drops'), n('connects')), answerRate: ratio(n('connects'), results),
      meanAgentWaitMs: n('agent_contacts') > 0 ? Math.round(n('agent_wait_ms') / n('agent_contacts')) : null,
      staffedAgentHours: Math.round(staffedHours * 100) / 100, agentIdleHours: Math.round((n('idle_ms') / hourMs) * 100) / 100,
      agentIdleShare: ratio(n('idle_ms'), n('staffed_ms')), contactsPerAgentHour: staffedHours > 0 ? Math.round((n('agent_contacts') / staffedHours) * 100) / 100 : null,
    };
  });
}
