// Queries of the customer questions per day (questions read model, `questions_daily` view): per
// local day overlapping a range, the question categories by questions asked (most first), each
// with the calls that asked them, its share of the day's questions and its trend against the
// average of the 7 days before (days without questions count as zero).
import type { Knex } from 'knex';
import { quoteIdent } from '../runtime/table-writer.ts';
import { DAY_MS, TREND_DAYS, daysBefore, round, type IntentRange } from '../intents/intents.queries.ts';

export interface DayQuestion {
  readonly day: string;
  /** Category code of the question taxonomy (docs/risk-and-qa.md), e.g. card.lost-how-to-report. */
  readonly category: string;
  readonly questions: number;
  /** Calls that asked at least one question of this category. */
  readonly calls: number;
  /** All questions of the day (in the channel and queue filtered on). */
  readonly questionsThatDay: number;
  /** questions / questionsThatDay. */
  readonly share: number;
  /** Mean questions per day of this category over the 7 days before. */
  readonly previous7DayAverage: number;
  /** questions / previous7DayAverage − 1; null when the 7 days had none. */
  readonly trend: number | null;
}

export async function questionsByDay(knex: Knex, readSchema: string, range: IntentRange): Promise<DayQuestion[]> {
  // The 7 days before the first day of the range: local days last 23 to 25 h, so 8 × 24 h back covers them.
  const bindings: (string | number)[] = [range.from - (TREND_DAYS + 1) * DAY_MS, range.to];
  let where = 'day_end > ? and day_start < ?';
  if (range.channel) { where += ' and channel = ?'; bindings.push(range.channel); }
  if (range.queueId) { where += ' and queue_id = ?'; bindings.push(range.queueId); }
  const rows = (await knex.raw<{ rows: { day: string; day_end: string; category: string; questions: string; calls: string }[] }>(
    `select local_day::text as day, max(day_end) as day_end, category, sum(questions)::bigint as questions, sum(calls)::bigint as calls
     from ${quoteIdent(readSchema)}.questions_daily where ${where} group by 1, 3`,
    bindings,
  )).rows;
  const questionsOf = new Map<string, number>();
  const totals = new Map<string, number>();
  const inRange = new Set<string>();
  for (const r of rows) {
    const questions = Number(r.questions);
    questionsOf.set(`${r.day}\u0000${r.category}`, questions);
    totals.set(r.day, (totals.get(r.day) ?? 0) + questions);
    if (Number(r.day_end) > range.from) inRange.add(r.day);
  }
  const out: DayQuestion[] = [];
  for (const r of rows) {
    const questions = Number(r.questions);
    if (!inRange.has(r.day) || questions <= 0) continue;
    let before = 0;
    for (let n = 1; n <= TREND_DAYS; n += 1) before += questionsOf.get(`${daysBefore(r.day, n)}\u0000${r.category}`) ?? 0;
    const average = before / TREND_DAYS;
    const questionsThatDay = totals.get(r.day) ?? questions;
    out.push({
      day: r.day, category: r.category, questions, calls: Number(r.calls), questionsThatDay, share: round(questions / questionsThatDay),
      previous7DayAverage: round(average), trend: average > 0 ? round(questions / average - 1) : null,
    });
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : b.questions - a.questions || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0)));
}
