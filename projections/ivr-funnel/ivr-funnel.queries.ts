// Queries of the IVR funnel read model, through the stable views in `<prefix>_read`: per node and
// local day (counters, the node's label from its latest flow version, median and mean time in
// node), and the abandonment paths summed over the days of a range, most frequent first.
import type { Knex } from 'knex';
import { quoteIdent } from '../runtime/table-writer.ts';
import { NODE_COUNTER_COLUMNS, PATH_CUT, PATH_SEPARATOR } from './ivr-funnel.projection.ts';
import { medianOf } from './time-in-node.ts';

export interface FunnelRange {
  /** Instants, epoch ms: the local days overlapping [from, to). */
  readonly from: number;
  readonly to: number;
  readonly flowId?: string | null;
}

export interface FunnelNode {
  readonly day: string;
  readonly flowId: string;
  readonly nodeId: string;
  readonly nodeType: string | null;
  readonly nodeLabel: string | null;
  readonly depth: number | null;
  readonly entries: number;
  readonly exitsNext: number;
  readonly exitsToAgent: number;
  readonly exitsSelfService: number;
  readonly hangUps: number;
  readonly zeroOuts: number;
  readonly exitsInputFailed: number;
  readonly exitsOther: number;
  readonly inputFailures: number;
  /** Hang-ups / entries; null without entries. */
  readonly hangUpRate: number | null;
  readonly zeroOutRate: number | null;
  /** From the time buckets: within one bucket width (docs/metrics.md). */
  readonly medianTimeMs: number | null;
  readonly meanTimeMs: number | null;
}

export interface AbandonPath {
  readonly flowId: string;
  readonly path: string;
  readonly nodes: number;
  readonly lastNodeId: string;
  /** How the caller left the IVR: HANG_UP (in the IVR), or TO_AGENT, ZERO_OUT, ERROR, OTHER before abandoning in the queue. */
  readonly ivrExit: string;
  readonly abandonedIn: 'IVR' | 'QUEUE';
  readonly calls: number;
}

function view(readSchema: string, table: string): string {
  return `${quoteIdent(readSchema)}.${quoteIdent(`ivr_funnel_${table}`)}`;
}

function rangeWhere(range: FunnelRange, alias: string): { sql: string; bindings: (string | number)[] } {
  const bindings: (string | number)[] = [range.from, range.to];
  let sql = `${alias}.day_end > ? and ${alias}.day_start < ?`;
  if (range.flowId) {
    sql += ` and ${alias}.flow_id = ?`;
    bindings.push(range.flowId);
  }
  return { sql, bindings };
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

export async function funnelNodes(knex: Knex, readSchema: string, range: FunnelRange): Promise<FunnelNode[]> {
  const where = rangeWhere(range, 'n');
  const rows = (await knex.raw<{ rows: Record<string, string | number | null>[] }>(
    `select n.local_day::text as day, n.flow_id, n.node_id, ${NODE_COUNTER_COLUMNS.map((c) => `n.${c}`).join(', ')}, l.node_type, l.node_label, l.depth
     from ${view(readSchema, 'nodes')} n
     left join lateral (select node_type, node_label, depth from ${view(readSchema, 'node_labels')} l
                        where l.flow_id = n.flow_id and l.node_id = n.node_id order by l.flow_version desc limit 1) l on true
     where ${where.sql}
     order by n.local_day, n.flow_id, l.depth nulls last, n.entries desc, n.node_id`,
    where.bindings,
  )).rows;
  const bucketWhere = rangeWhere(range, 't');
  const buckets = (await knex.raw<{ rows: { day: string; flow_id: string; node_id: string; upper_ms: string; visits: string }[] }>(
    `select t.local_day::text as day, t.flow_id, t.node_id, t.upper_ms, t.visits from ${view(readSchema, 'node_time')} t where ${bucketWhere.sql}`,
    bucketWhere.bindings,
  )).rows;
  const distributions = new Map<string, Map<number, number>>();
  for (const b of buckets) {
    const key = `${b.day}\u0000${b.flow_id}\u0000${b.node_id}`;
    const distribution = distributions.get(key) ?? new Map<number, number>();
    distribution.set(Number(b.upper_ms), Number(b.visits));
    distributions.set(key, distribution);
  }
  return rows.map((r) => {
    const n = (column: string) => Number(r[column]);
    const entries = n('entries');
    const timed = n('timed_visits');
    return {
      day: String(r.day), flowId: String(r.flow_id), nodeId: String(r.node_id),
      nodeType: r.node_type === null ? null : String(r.node_type), nodeLabel: r.node_label === null ? null : String(r.node_label), depth: r.depth === null ? null : Number(r.depth),
      entries, exitsNext: n('exits_next'), exitsToAgent: n('exits_to_agent'), exitsSelfService: n('exits_self_service'), hangUps: n('exits_hang_up'),
      zeroOuts: n('exits_zero_out'), exitsInputFailed: n('exits_input_failed'), exitsOther: n('exits_other'), inputFailures: n('input_failures'),
      hangUpRate: ratio(n('exits_hang_up'), entries), zeroOutRate: ratio(n('exits_zero_out'), entries),
      medianTimeMs: medianOf(distributions.get(`${r.day}\u0000${r.flow_id}\u0000${r.node_id}`) ?? new Map()),
      meanTimeMs: timed > 0 ? Math.round(n('time_ms') / timed) : null,
    };
  });
}

/** Abandonment paths over the days of the range, most calls first; `limit` + `offset` page them (top N = the first page). */
export async function abandonPaths(knex: Knex, readSchema: string, range: FunnelRange & { readonly limit: number; readonly offset: number }): Promise<AbandonPath[]> {
  const where = rangeWhere(range, 'p');
  const rows = (await knex.raw<{ rows: { flow_id: string; path: string; ivr_exit: string; abandoned_in: string; calls: string }[] }>(
    `select p.flow_id, p.path, p.ivr_exit, p.abandoned_in, sum(p.calls)::bigint as calls from ${view(readSchema, 'abandon_paths')} p
     where ${where.sql} group by 1, 2, 3, 4 having sum(p.calls) > 0 order by calls desc, p.flow_id, p.path, p.ivr_exit, p.abandoned_in limit ? offset ?`,
    [...where.bindings, range.limit, range.offset],
  )).rows;
  return rows.map((r) => {
    const nodes = r.path.split(PATH_SEPARATOR).filter((node) => node !== PATH_CUT);
    return { flowId: r.flow_id, path: r.path, nodes: nodes.length, lastNodeId: nodes[nodes.length - 1], ivrExit: r.ivr_exit, abandonedIn: r.abandoned_in as 'IVR' | 'QUEUE', calls: Number(r.calls) };
  });
}
