// The ingest dedupe table: one row per event id the API has appended (or is appending). A
// claim is taken before the append and confirmed with the log position after it, so a retry
// finds either "accepted at topic/partition/offset" (answered without a second append) or "in
// flight" (another request is appending it: 409, retry later). A claim left unconfirmed by a
// crash goes stale after `staleAfterMs` and may then be claimed again: see docs/api.md for the
// exact guarantee this gives.
import type pg from 'pg';

export interface LogPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface ClaimOutcome {
  /** Ids this caller must now append (new, or a stale unconfirmed claim). */
  readonly claimed: ReadonlySet<string>;
  /** Ids already appended, with where. */
  readonly accepted: ReadonlyMap<string, LogPosition>;
  /** Ids claimed by another request that has not confirmed yet. */
  readonly inFlight: ReadonlySet<string>;
}

export interface AcceptedIds {
  claim(eventIds: readonly string[]): Promise<ClaimOutcome>;
  confirm(entries: readonly (LogPosition & { readonly eventId: string })[]): Promise<void>;
  release(eventIds: readonly string[]): Promise<void>;
}

function quote(identifier: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(identifier)) throw new Error(`not a safe SQL identifier: ${identifier}`);
  return `"${identifier}"`;
}

export class PostgresAcceptedIds implements AcceptedIds {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly schema: string;
  private readonly staleAfterMs: number;

  constructor(options: { pool: pg.Pool; schema: string; staleAfterMs?: number }) {
    this.pool = options.pool;
    this.schema = quote(options.schema);
    this.table = `${this.schema}.api_ingested_events`;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
  }

  async migrate(): Promise<void> {
    await this.pool.query(`create schema if not exists ${this.schema}`);
    await this.pool.query(`create table if not exists ${this.table} (
      event_id text primary key,
      claimed_at timestamptz not null default now(),
      topic text, partition integer, log_offset bigint, accepted_at timestamptz)`);
  }

  async claim(eventIds: readonly string[]): Promise<ClaimOutcome> {
    if (eventIds.length === 0) return { claimed: new Set(), accepted: new Map(), inFlight: new Set() };
    // One round trip: claim what is new (or stale), and read what is not, in one statement. The
    // select sees the table as before the statement, i.e. the rows that made a claim fail.
    const { rows } = await this.pool.query<{ event_id: string; claimed: boolean; topic: string | null; partition: number | null; log_offset: string | null }>(
      `with input as (select unnest($1::text[]) as event_id),
       claimed as (
         insert into ${this.table} as t (event_id) select event_id from input
         on conflict (event_id) do update set claimed_at = now()
           where t.log_offset is null and t.claimed_at < now() - make_interval(secs => $2::double precision / 1000)
         returning event_id)
       select i.event_id, c.event_id is not null as claimed, t.topic, t.partition, t.log_offset
       from input i left join claimed c on c.event_id = i.event_id left join ${this.table} t on t.event_id = i.event_id and c.event_id is null`,
      [eventIds, this.staleAfterMs],
    );
    const claimed = new Set<string>();
    const accepted = new Map<string, LogPosition>();
    const inFlight = new Set<string>();
    for (const row of rows) {
      if (row.claimed) claimed.add(row.event_id);
      else if (row.log_offset === null || row.topic === null || row.partition === null) inFlight.add(row.event_id);
      else accepted.set(row.event_id, { topic: row.topic, partition: row.partition, offset: Number(row.log_offset) });
    }
    return { claimed, accepted, inFlight };
  }

  async confirm(entries: readonly (LogPosition & { readonly eventId: string })[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `update ${this.table} t set topic = v.topic, partition = v.partition, log_offset = v.log_offset, accepted_at = now()
       from (select unnest($1::text[]) event_id, unnest($2::text[]) topic, unnest($3::int[]) partition, unnest($4::bigint[]) log_offset) v
       where t.event_id = v.event_id`,
      [entries.map((e) => e.eventId), entries.map((e) => e.topic), entries.map((e) => e.partition), entries.map((e) => e.offset)],
    );
  }

  async release(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.pool.query(`delete from ${this.table} where event_id = any($1::text[]) and log_offset is null`, [eventIds]);
  }
}

/** For unit specs and tools: the same semantics in memory (no staleness: nothing crashes here). */
export class InMemoryAcceptedIds implements AcceptedIds {
  readonly rows = new Map<string, LogPosition | null>();

  async claim(eventIds: readonly string[]): Promise<ClaimOutcome> {
    const claimed = new Set<string>();
    const accepted = new Map<string, LogPosition>();
    const inFlight = new Set<string>();
    for (const id of eventIds) {
      if (!this.rows.has(id)) {
        this.rows.set(id, null);
        claimed.add(id);
        continue;
      }
      const position = this.rows.get(id);
      if (position) accepted.set(id, position);
      else inFlight.add(id);
    }
    return { claimed, accepted, inFlight };
  }

  async confirm(entries: readonly (LogPosition & { readonly eventId: string })[]): Promise<void> {
    for (const e of entries) this.rows.set(e.eventId, { topic: e.topic, partition: e.partition, offset: e.offset });
  }

  async release(eventIds: readonly string[]): Promise<void> {
    for (const id of eventIds) if (this.rows.get(id) === null) this.rows.delete(id);
  }
}
