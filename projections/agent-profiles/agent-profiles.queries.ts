// Agent profile queries over the stable views: one row per agent and ISO week (a client reads the
// trend from consecutive weeks), with the week's QA findings by category, filtered by agent, team,
// site and the weeks overlapping a time range; keyset pages in (agent, week) order. One statement.
import type { Knex } from 'knex';
import { quoteIdent } from '../runtime/table-writer.ts';
import { agentWeekFigures, type AgentWeekCounters, type AgentWeekFigures } from './agent-profiles.metrics.ts';
import { AGENT_WEEK_COLUMNS } from './agent-profiles.read-model.ts';
import { isoWeekLabel } from './weeks.ts';

export interface AgentProfileQuery {
  /** Weeks overlapping [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly agentId?: string | null;
  /** Agents whose last login named this team / site. */
  readonly team?: string | null;
  readonly site?: string | null;
  readonly limit: number;
  /** The last (agent, week start) of the previous page. */
  readonly after?: AgentWeekPosition | null;
}

export interface AgentWeekPosition {
  readonly agentId: string;
  /** Local date of the week's Monday, YYYY-MM-DD. */
  readonly weekStart: string;
}

export interface AgentWeekProfile {
  readonly agentId: string;
  /** ISO week, e.g. 2026-W48. */
  readonly week: string;
  readonly weekStart: string;
  readonly figures: AgentWeekFigures;
  readonly qaFindingsByCategory: Readonly<Record<string, { readonly findings: number; readonly pointsDeducted: number }>>;
  readonly counters: AgentWeekCounters;
}

export interface AgentProfilePage {
  readonly items: readonly AgentWeekProfile[];
  readonly next: AgentWeekPosition | null;
}

export async function agentProfiles(knex: Knex, readSchema: string, query: AgentProfileQuery): Promise<AgentProfilePage> {
  const r = quoteIdent(readSchema);
  const where: string[] = ['w.week_start_at < ?', 'w.week_end_at > ?'];
  const bindings: (string | number)[] = [query.toMs, query.fromMs];
  if (query.agentId) { where.push('w.agent_id = ?'); bindings.push(query.agentId); }
  if (query.site) { where.push('a.site = ?'); bindings.push(query.site); }
  if (query.team) { where.push('? = any(a.teams)'); bindings.push(query.team); }
  if (query.after) { where.push('(w.agent_id, w.week_start) > (?, ?::date)'); bindings.push(query.after.agentId, query.after.weekStart); }
  const rows = (await knex.raw<{ rows: Record<string, unknown>[] }>(
    `select w.agent_id, w.week_start::text as week_start, ${AGENT_WEEK_COLUMNS.map((c) => `w.${c}`).join(', ')},
       (select coalesce(json_object_agg(f.category, json_build_object('findings', f.findings, 'pointsDeducted', f.points_deducted_centi / 100.0)), '{}'::json)
        from ${r}.agent_profiles_agent_qa_findings f where f.agent_id = w.agent_id and f.week_start = w.week_start) as findings
     from ${r}.agent_profiles_agent_weeks w left join ${r}.agent_profiles_agents a on a.agent_id = w.agent_id
     where ${where.join(' and ')} order by w.agent_id, w.week_start limit ?`,
    [...bindings, query.limit + 1],
  )).rows;
  const page = rows.slice(0, query.limit);
  const items = page.map((row): AgentWeekProfile => {
    const counters = Object.fromEntries(AGENT_WEEK_COLUMNS.map((c) => [c, Number(row[c])])) as AgentWeekCounters;
    const findings = row.findings as Record<string, { findings: number | string; pointsDeducted: number | string }>;
    return {
      agentId: row.agent_id as string, week: isoWeekLabel(row.week_start as string), weekStart: row.week_start as string, figures: agentWeekFigures(counters),
      qaFindingsByCategory: Object.fromEntries(Object.entries(findings).map(([category, f]) => [category, { findings: Number(f.findings), pointsDeducted: Number(f.pointsDeducted) }])),
      counters,
    };
  });
  const last = items.at(-1);
  return { items, next: rows.length > query.limit && last ? { agentId: last.agentId, weekStart: last.weekStart } : null };
}
