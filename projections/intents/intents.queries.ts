// Queries of the intents read model, through the stable views in `<prefix>_read`: per local day
// overlapping a range, the intents by calls (most first), each with its share of the day's calls
// and its trend against the average of the 7 days before (days without calls count as zero).
import type { Knex } from 'knex';
import { quoteIdent } from '../runtime/table-writer.ts';

export interface IntentRange {
  /** Instants, epoch ms: the local days overlapping [from, to). */
  readonly from: number;
  readonly to: number;
  readonly channel?: string | null;
  readonly queueId?: string | null;
}

export interface DayIntent {
  readonly day: string;
  readonly intent: string;
  readonly calls: number;
  /** All calls of the day (in the channel and queue filtered on), with or without a known intent. */
  readonly callsThatDay: number;
  /** calls / callsThatDay. */
  readonly share: number;
  /** Mean calls per day with this intent over the 7 days before. */
  readonly previous7DayAverage: number;
  /** calls / previous7DayAverage − 1 (0.5 = half as many again); null when the 7 days had none. */
  readonly trend: number | null;
}

export const DAY_MS = 86_400_000;
export const TREND_DAYS = 7;

export function daysBefore(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);
}

export const round = (value: number): number => Math.round(value * 10_000) / 10_000;

export async function intentsByDay(knex: Knex, readSchema: string, range: IntentRange): Promise<DayIntent[]> {
  // The 7 days before the first day of the range: local days last 23 to 25 h, so 8 × 24 h back covers them.
  const bindings: (string | number)[] = [range.from - (TREND_DAYS + 1) * DAY_MS, range.to];
  let where = 'day_end > ? and day_start < ?';
  if (range.channel) { where += ' and channel = ?'; bindings.push(range.channel); }
  if (range.queueId) { where += ' and queue_id = ?'; bindings.push(range.queueId); }
  const rows = (await knex.raw<{ rows: { day: string; day_end: string; intent: string; calls: string }[] }>(
    `select local_day::text as day, max(day_end) as day_end, intent, sum(calls)::bigint as calls
     from ${quoteIdent(readSchema)}.intents_daily where ${where} group by 1, 3`,
    bindings,
  )).rows;
  const callsOf = new Map<string, number>();
  const totals = new Map<string, number>();
  const inRange = new Set<string>();
  for (const r of rows) {
    const calls = Number(r.calls);
    callsOf.set(`${r.day}\u0000${r.intent}`, calls);
    totals.set(r.day, (totals.get(r.day) ?? 0) + calls);
    if (Number(r.day_end) > range.from) inRange.add(r.day);
  }
  const out: DayIntent[] = [];
  for (const r of rows) {
    const calls = Number(r.calls);
    if (!inRange.has(r.day) || r.intent === '' || calls <= 0) continue;
    let before = 0;
    for (let n = 1; n <= TREND_DAYS; n += 1) before += callsOf.get(`${daysBefore(r.day, n)}\u0000${r.intent}`) ?? 0;
    const average = before / TREND_DAYS;
    const callsThatDay = totals.get(r.day) ?? calls;
    out.push({ day: r.day, intent: r.intent, calls, callsThatDay, share: round(calls / callsThatDay), previous7DayAverage: round(average), trend: average > 0 ? round(calls / average - 1) : null });
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : b.calls - a.calls || (a.intent < b.intent ? -1 : a.intent > b.intent ? 1 : 0)));
}
