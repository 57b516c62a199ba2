// The query ports over the projections: live queues, wallboard KPIs, agent profiles, customer
// history, the IVR funnel, intents and questions (all through the stable `<prefix>_read` views).
import type { Knex } from 'knex';
import type { Catalogue } from '../../schemas/catalogue.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import { interactionAuditTrail } from '../../projections/audit-trail/audit-trail.queries.ts';
import { agentProfiles, type AgentWeekPosition } from '../../projections/agent-profiles/agent-profiles.queries.ts';
import { customerHistory, customerInteractions } from '../../projections/customer-history/customer-history.queries.ts';
import { intentsByDay } from '../../projections/intents/intents.queries.ts';
import { questionsByDay } from '../../projections/questions/questions.queries.ts';
import { abandonPaths, funnelNodes } from '../../projections/ivr-funnel/ivr-funnel.queries.ts';
import { agentsBySkill, liveQueues } from '../../projections/live-queues/live-queues.queries.ts';
import { campaignFigures } from '../../projections/outbound-campaigns/outbound-campaigns.queries.ts';
import { rollingWallboard, wallboard, type Dimension } from '../../projections/wallboard/wallboard.queries.ts';
import { INTERVAL_MS } from '../../projections/wallboard/intervals.ts';
import { fail } from '../http/problem.ts';
import { contactsShownTo } from './contact-summaries.ts';
import type { KpiFilter, ListFilter, Page, QueryPorts, Row } from './query-ports.ts';

/** Offset pages with an opaque cursor (the rows of one query are few: intervals × queues × tiers × sources). */
export function paginate<T>(rows: readonly T[], limit: number, after: string | null): Page<T> {
  const start = offsetOf(after);
  const items = rows.slice(start, start + limit);
  const end = start + items.length;
  return { items, next: end < rows.length ? Buffer.from(String(end), 'utf8').toString('base64url') : null };
}

/** Each day's first `top` rows (rows come per day, most first); 0 keeps all. */
function topPerDay<T extends { readonly day: string }>(rows: readonly T[], top: number): readonly T[] {
  if (top <= 0) return rows;
  const rank = new Map<string, number>();
  return rows.filter((r) => {
    const n = (rank.get(r.day) ?? 0) + 1;
    rank.set(r.day, n);
    return n <= top;
  });
}

function offsetOf(after: string | null): number {
  return after ? Number(Buffer.from(after, 'base64url').toString('utf8')) || 0 : 0;
}

function flatten(value: Record<string, unknown>, prefix = ''): Row {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[prefix + k] = v === undefined ? null : (v as string | number | boolean | null);
  }
  return out;
}

/** Keyset cursor of agent profile pages: the last (agent, week) shown, as base64url JSON. */
function agentCursor(position: AgentWeekPosition): string {
  return Buffer.from(JSON.stringify([position.agentId, position.weekStart]), 'utf8').toString('base64url');
}

function agentPosition(after: string | null): AgentWeekPosition | null {
  if (after === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(parsed[1])) {
    return fail('validation', 'after is not a page cursor of ours.', { errors: [{ field: 'after', rule: 'pattern', message: 'must be a cursor from a previous page' }] });
  }
  return { agentId: parsed[0], weekStart: parsed[1] };
}

export function projectionQueries(knex: Knex, readSchema: string, personal: { personalData: PersonalDataProtector; catalogue: Catalogue }): QueryPorts {
  return {
    liveQueues: (now) => liveQueues(knex, readSchema, now),
    agentsBySkill: () => agentsBySkill(knex, readSchema),
    async rollingKpis(now, windowMinutes) {
      const rows = await rollingWallboard(knex, readSchema, now, windowMinutes, ['queue']);
      return rows.map((r) => flatten({ queue: r.queue ?? null, windowMinutes, ...r.figures } as Record<string, unknown>));
    },
    async serviceLevels(from, to) {
      const rows = await wallboard(knex, readSchema, { grain: 'total', by: ['queue'], fromMs: Math.floor(from / INTERVAL_MS) * INTERVAL_MS, toMs: to });
      return new Map(rows.map((r) => [r.queue ?? '', r.figures.serviceLevel]));
    },
    async ivrFunnel(filter) {
      const rows = await funnelNodes(knex, readSchema, { from: filter.from, to: filter.to, flowId: filter.flowId as string | null });
      return paginate(rows.map((r) => flatten({ ...r })), filter.limit, filter.after);
    },
    async ivrAbandonPaths(filter) {
      // Paths can be many over a long range: paged in SQL (one row more tells whether a next page exists).
      const offset = offsetOf(filter.after);
      const rows = await abandonPaths(knex, readSchema, { from: filter.from, to: filter.to, flowId: filter.flowId as string | null, limit: filter.limit + 1, offset });
      const items = rows.slice(0, filter.limit).map((r) => flatten({ ...r }));
      return { items, next: rows.length > filter.limit ? Buffer.from(String(offset + filter.limit), 'utf8').toString('base64url') : null };
    },
    async outboundCampaigns(filter, now) {
      const rows = await campaignFigures(knex, readSchema, { from: filter.from, to: filter.to, now, campaignId: filter.campaignId as string | null });
      return paginate(rows.map((r) => flatten({ ...r })), filter.limit, filter.after);
    },
    async intents(filter) {
      const rows = await intentsByDay(knex, readSchema, { from: filter.from, to: filter.to, channel: filter.channel as string | null, queueId: filter.queueId as string | null });
      return paginate(topPerDay(rows, Number(filter.top ?? 0)).map((r) => flatten({ ...r })), filter.limit, filter.after);
    },
    async questions(filter) {
      const rows = await questionsByDay(knex, readSchema, { from: filter.from, to: filter.to, channel: filter.channel as string | null, queueId: filter.queueId as string | null });
      return paginate(topPerDay(rows, Number(filter.top ?? 0)).map((r) => flatten({ ...r })), filter.limit, filter.after);
    },
    async kpis(filter: KpiFilter) {
      const by: Dimension[] = ['queue', 'tier', 'source'];
      const grain = filter.intervalMinutes >= 1440 ? 'day' : 'interval';
      const fromMs = Math.floor(filter.from / INTERVAL_MS) * INTERVAL_MS;
      const rows = await wallboard(knex, readSchema, { grain, by, fromMs, toMs: filter.to });
      const kept = rows.filter((r) => (filter.queueId === null || r.queue === filter.queueId) && (filter.tier === null || r.tier === filter.tier) && (filter.source === null || r.source === filter.source));
      const shaped = kept.map((r) => flatten({
        period: grain === 'interval' ? new Date(Number(r.period)).toISOString() : r.period, queue: r.queue ?? null, tier: r.tier ?? null, source: r.source ?? null, ...r.figures, counters: r.counters,
      } as Record<string, unknown>));
      return paginate(shaped, filter.limit, filter.after);
    },
    async agentProfiles(filter: ListFilter) {
      const text = (name: string) => (typeof filter[name] === 'string' ? (filter[name] as string) : null);
      const page = await agentProfiles(knex, readSchema, {
        fromMs: filter.from, toMs: filter.to, agentId: text('agentId'), team: text('team'), site: text('site'), limit: filter.limit, after: agentPosition(filter.after),
      });
      const items = page.items.map((p) => flatten({ agentId: p.agentId, week: p.week, weekStart: p.weekStart, ...p.figures, qaFindingsByCategory: p.qaFindingsByCategory, counters: p.counters } as Record<string, unknown>));
      return { items, next: page.next ? agentCursor(page.next) : null };
    },
    async customerHistory(customerId, limit, reader) {
      return contactsShownTo(reader, await customerHistory(knex, readSchema, customerId, limit), personal);
    },
    customerInteractions: (customerId, from, to) => customerInteractions(knex, readSchema, customerId, from, to),
    auditTrail: (interactionId) => interactionAuditTrail(knex, readSchema, interactionId),
  };
}
