// Background jobs of the ops API (rebuild, re-drive, what-if): started by a POST, run in the API
// process that took the POST, polled with GET /v1/ops/jobs/{id} for progress and result. Kept in
// PostgreSQL (`<schema>.ops_jobs`), so every API instance behind a load balancer answers for every
// job, and a job outlives a restart of the process that ran it. That process writes its running
// jobs' progress with a heartbeat; a running job whose heartbeat stopped (the process died) is
// reported `interrupted` and may be started again: a rebuild resumes from its own checkpoints, a
// re-drive's target de-duplicates by event id, a what-if writes nothing.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../../platform/pg-transaction.ts';

export type JobKind = 'rebuild' | 'redrive' | 'what-if';

export interface JobProgress {
  /** What the job is doing now, e.g. reading, copying, counting. */
  readonly phase: string;
  readonly done: number;
  readonly total: number | null;
}

export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  /** What it works on: the projection, the topic pair, the candidate. */
  readonly target: string;
  readonly status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  readonly startedBy: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly progress: JobProgress | null;
  readonly result: unknown;
  /** Why it failed; for bad input the field and the rule. */
  readonly error: { readonly message: string; readonly field?: string; readonly rule?: string } | null;
}

export type JobBody = (progress: (p: JobProgress) => void) => Promise<unknown>;

/** A job that may not start while another is running (e.g. two rebuilds of one read model). */
export class JobConflictError extends Error {
  override readonly name = 'JobConflictError';
  readonly running: JobView;

  constructor(running: JobView) {
    super(`a ${running.kind} of ${running.target} is already running (job ${running.id})`);
    this.running = running;
  }
}

interface JobRow {
  id: string;
  kind: JobKind;
  target: string;
  status: JobView['status'];
  started_by: string;
  started_at: Date;
  finished_at: Date | null;
  progress: JobProgress | null;
  result: unknown;
  error: JobView['error'];
}

function viewOf(row: JobRow): JobView {
  return {
    id: row.id, kind: row.kind, target: row.target, status: row.status, startedBy: row.started_by, startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null, progress: row.progress, result: row.result, error: row.error,
  };
}

function quote(identifier: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(identifier)) throw new Error(`not a safe SQL identifier: ${identifier}`);
  return `"${identifier}"`;
}

const COLUMNS = 'id, kind, target, status, started_by, started_at, finished_at, progress, result, error';

export interface JobRegistryOptions {
  readonly pool: pg.Pool;
  readonly schema: string;
  readonly now: () => number;
  /** Failures other than bad input (logged). */
  readonly onError?: (error: unknown) => void;
  /** How often this process writes its running jobs' progress and heartbeat (default 2 s). */
  readonly heartbeatMs?: number;
  /** A running job whose heartbeat is older than this is interrupted (default 60 s). */
  readonly staleAfterMs?: number;
  /** Finished jobs listed (newest first; default 100). */
  readonly listLimit?: number;
  /** Finished jobs are deleted this long after they started (default 90 days), when a job starts. */
  readonly keepMs?: number;
}

export class JobRegistry {
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private readonly table: string;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly staleAfterMs: number;
  private readonly listLimit: number;
  private readonly keepMs: number;
  /** This process's running jobs and their latest progress (written with each heartbeat). */
  private readonly mine = new Map<string, JobProgress | null>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(options: JobRegistryOptions) {
    this.pool = options.pool;
    this.schema = quote(options.schema);
    this.table = `${this.schema}.ops_jobs`;
    this.now = options.now;
    this.onError = options.onError ?? (() => undefined);
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.listLimit = options.listLimit ?? 100;
    this.keepMs = options.keepMs ?? 90 * 86_400_000;
    this.heartbeat = setInterval(() => void this.beat().catch(this.onError), options.heartbeatMs ?? 2000);
    this.heartbeat.unref();
  }

  async migrate(): Promise<void> {
    await this.pool.query(`create schema if not exists ${this.schema}`);
    await this.pool.query(`create table if not exists ${this.table} (
      id uuid primary key, kind text not null, target text not null, status text not null,
      started_by text not null, started_at timestamptz not null, finished_at timestamptz,
      progress jsonb, result jsonb, error jsonb, heartbeat_at timestamptz not null)`);
    await this.pool.query(`create index if not exists ops_jobs_started on ${this.table} (started_at desc)`);
    await this.pool.query(`create index if not exists ops_jobs_running on ${this.table} (kind, target) where status = 'running'`);
  }

  /**
   * Starts `body` in this process as a job of `kind` on `target`, unless a job of that kind on
   * one of `exclusive` targets is running (in any API process): then JobConflictError.
   */
  async start(kind: JobKind, target: string, startedBy: string, body: JobBody, exclusive: readonly string[] = []): Promise<JobView> {
    const id = randomUUID();
    const row = await inTransaction(this.pool, async (client) => {
      // One start at a time across API processes, so two cannot both find nothing running.
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [this.table]);
      await this.interruptStale(client);
      await client.query(`delete from ${this.table} where status <> 'running' and started_at < $1`, [new Date(this.now() - this.keepMs)]);
      if (exclusive.length > 0) {
        const running = await client.query<JobRow>(`select ${COLUMNS} from ${this.table} where kind = $1 and status = 'running' and target = any($2) limit 1`, [kind, exclusive]);
        if (running.rows.length > 0) throw new JobConflictError(viewOf(running.rows[0]));
      }
      return (await client.query<JobRow>(
        `insert into ${this.table} (id, kind, target, status, started_by, started_at, heartbeat_at) values ($1, $2, $3, 'running', $4, $5, now()) returning ${COLUMNS}`,
        [id, kind, target, startedBy, new Date(this.now())],
      )).rows[0];
    });
    this.mine.set(id, null);
    void body((progress) => this.mine.set(id, progress)).then(
      (result) => this.finish(id, 'succeeded', result ?? null, null),
      (error: unknown) => {
        const e = error as { message?: string; field?: unknown; rule?: unknown; retriable?: unknown };
        if (e.retriable !== false) this.onError(error);
        return this.finish(id, 'failed', null, { message: e.message ?? String(error), ...(typeof e.field === 'string' ? { field: e.field } : {}), ...(typeof e.rule === 'string' ? { rule: e.rule } : {}) });
      },
    ).catch(this.onError);
    return viewOf(row);
  }

  async get(id: string): Promise<JobView | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
    await this.interruptStale(this.pool);
    const { rows } = await this.pool.query<JobRow>(`select ${COLUMNS} from ${this.table} where id = $1`, [id]);
    return rows.length > 0 ? this.withLatestProgress(rows[0]) : undefined;
  }

  /** The running jobs and the latest finished ones, newest first. */
  async list(): Promise<JobView[]> {
    await this.interruptStale(this.pool);
    const { rows } = await this.pool.query<JobRow>(
      `select ${COLUMNS} from ${this.table} where status = 'running'
       union all (select ${COLUMNS} from ${this.table} where status <> 'running' order by started_at desc limit $1)
       order by started_at desc`,
      [this.listLimit],
    );
    return rows.map((row) => this.withLatestProgress(row));
  }

  /** Stops the heartbeat (the server's close). Jobs still running here will read as interrupted once stale. */
  close(): void {
    clearInterval(this.heartbeat);
  }

  /** This process's own running jobs show their progress as of now, not as of the last heartbeat. */
  private withLatestProgress(row: JobRow): JobView {
    const latest = row.status === 'running' ? this.mine.get(row.id) : undefined;
    return viewOf(latest ? { ...row, progress: latest } : row);
  }

  private async beat(): Promise<void> {
    if (this.mine.size === 0) return;
    const ids = [...this.mine.keys()];
    await this.pool.query(
      `update ${this.table} t set heartbeat_at = now(), progress = coalesce(p.progress, t.progress)
       from (select unnest($1::uuid[]) as id, unnest($2::jsonb[]) as progress) p where t.id = p.id and t.status = 'running'`,
      [ids, ids.map((id) => JSON.stringify(this.mine.get(id) ?? null))],
    );
  }

  private async finish(id: string, status: 'succeeded' | 'failed', result: unknown, error: JobView['error']): Promise<void> {
    const progress = this.mine.get(id) ?? null;
    try {
      await this.pool.query(
        `update ${this.table} set status = $2, finished_at = $3, progress = $4, result = $5, error = $6, heartbeat_at = now() where id = $1`,
        [id, status, new Date(this.now()), JSON.stringify(progress), JSON.stringify(result), JSON.stringify(error)],
      );
    } finally {
      this.mine.delete(id);
    }
  }

  private async interruptStale(db: Pick<pg.Pool, 'query'>): Promise<void> {
    await db.query(
      `update ${this.table} set status = 'interrupted', finished_at = now(),
         error = jsonb_build_object('message', 'the API process running it stopped (no heartbeat since ' || heartbeat_at::text || '); start it again')
       where status = 'running' and heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)`,
      [this.staleAfterMs],
    );
  }
}
