// Queries of the live queues read model, through the stable views in `<prefix>_read` (never a
// half-built version). `now` is passed in: waits so far are computed against it.
import type { Knex } from 'knex';
import { quoteIdent } from '../runtime/table-writer.ts';

export interface WaitingCall {
  readonly interactionId: string;
  readonly visitId: string;
  readonly queueId: string;
  /** 1 = next to be served: higher priority first, then the longest waiting (then visit id). */
  readonly position: number;
  readonly tier: string;
  readonly priority: number;
  readonly enteredAt: number;
  readonly waitMs: number;
  readonly ringingAgentId: string | null;
  readonly sourceSystem: string;
}

export interface QueueNow {
  readonly queueId: string;
  readonly waiting: number;
  readonly ringing: number;
  readonly longestWaitMs: number;
  readonly calls: readonly WaitingCall[];
  /** Logged-in agents able to serve the queue (skills meet one of its requirement sets), by state. */
  readonly agentsByState: Readonly<Record<string, number>>;
}

export interface AgentsBySkill {
  readonly skill: string;
  readonly byState: Readonly<Record<string, number>>;
}

function view(readSchema: string, table: string): string {
  return `${quoteIdent(readSchema)}.${quoteIdent(`live_queues_${table}`)}`;
}

function parseSkills(skills: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const text of skills) {
    const at = text.lastIndexOf(':');
    out.set(text.slice(0, at), Number(text.slice(at + 1)));
  }
  return out;
}

/** An agent meets a requirement `skill:min,skill:min` when it has every skill at least at that level. */
export function meetsRequirement(agentSkills: ReadonlyMap<string, number>, requirement: string): boolean {
  if (requirement === '') return true;
  return requirement.split(',').every((part) => {
    const at = part.lastIndexOf(':');
    return (agentSkills.get(part.slice(0, at)) ?? 0) >= Number(part.slice(at + 1));
  });
}

export async function liveQueues(knex: Knex, readSchema: string, now: number): Promise<QueueNow[]> {
  const calls = (await knex.raw<{ rows: Record<string, string | number | null>[] }>(
    `select interaction_id, visit_id, queue_id, tier, priority, entered_at, ringing_agent_id, source_system,
            row_number() over (partition by queue_id order by priority desc, entered_at, visit_id) as position
     from ${view(readSchema, 'waiting')} order by queue_id, position`,
  )).rows;
  const agents = (await knex.raw<{ rows: { agent_id: string; skills: string[]; state: string; logged_in: boolean }[] }>(
    `select agent_id, skills, state, logged_in from ${view(readSchema, 'agents')} where logged_in`,
  )).rows;
  const requirements = (await knex.raw<{ rows: { queue_id: string; requirement: string }[] }>(`select queue_id, requirement from ${view(readSchema, 'queue_requirements')}`)).rows;
  const queues = new Map<string, { calls: WaitingCall[]; requirements: string[] }>();
  const queueOf = (id: string) => {
    let q = queues.get(id);
    if (!q) queues.set(id, (q = { calls: [], requirements: [] }));
    return q;
  };
  for (const r of requirements) queueOf(r.queue_id).requirements.push(r.requirement);
  for (const row of calls) {
    const enteredAt = Number(row.entered_at);
    queueOf(String(row.queue_id)).calls.push({
      interactionId: String(row.interaction_id), visitId: String(row.visit_id), queueId: String(row.queue_id), position: Number(row.position),
      tier: String(row.tier), priority: Number(row.priority), enteredAt, waitMs: Math.max(0, now - enteredAt),
      ringingAgentId: row.ringing_agent_id === null ? null : String(row.ringing_agent_id), sourceSystem: String(row.source_system),
    });
  }
  const skillsOf = agents.map((a) => ({ state: a.state, skills: parseSkills(a.skills) }));
  return [...queues.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([queueId, q]) => {
    const byState: Record<string, number> = {};
    for (const agent of skillsOf) {
      if (q.requirements.some((req) => meetsRequirement(agent.skills, req))) byState[agent.state] = (byState[agent.state] ?? 0) + 1;
    }
    return {
      queueId, waiting: q.calls.length, ringing: q.calls.filter((c) => c.ringingAgentId !== null).length,
      longestWaitMs: q.calls.reduce((max, c) => Math.max(max, c.waitMs), 0), calls: q.calls, agentsByState: byState,
    };
  });
}

export async function agentsBySkill(knex: Knex, readSchema: string): Promise<AgentsBySkill[]> {
  const rows = (await knex.raw<{ rows: { skill: string; state: string; agents: string }[] }>(
    `select split_part(s, ':', 1) as skill, state, count(*) as agents
     from ${view(readSchema, 'agents')}, unnest(skills) as s where logged_in group by 1, 2 order by 1, 2`,
  )).rows;
  const out = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const entry = out.get(row.skill) ?? {};
    entry[row.state] = Number(row.agents);
    out.set(row.skill, entry);
  }
  return [...out.entries()].map(([skill, byState]) => ({ skill, byState }));
}
