// Background jobs of the ops API (rebuild, re-drive, what-if): started by a POST, run in this
// API process, polled with GET /v1/ops/jobs/{id} for progress and result. Kept in memory (the
// last `keep` finished ones): a job lost with a restart is started again — a rebuild resumes
// from its own checkpoints, a re-drive's target de-duplicates by event id, a what-if writes nothing.
import { randomUUID } from 'node:crypto';

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
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly startedBy: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly progress: JobProgress | null;
  readonly result: unknown;
  /** Why it failed; for bad input the field and the rule. */
  readonly error: { readonly message: string; readonly field?: string; readonly rule?: string } | null;
}

interface Job {
  view: JobView;
}

export type JobBody = (progress: (p: JobProgress) => void) => Promise<unknown>;

export class JobRegistry {
  private readonly jobs = new Map<string, Job>();
  private readonly now: () => number;
  private readonly keep: number;
  private readonly onError: (error: unknown) => void;

  constructor(options: { now: () => number; keep?: number; onError?: (error: unknown) => void }) {
    this.now = options.now;
    this.keep = options.keep ?? 100;
    this.onError = options.onError ?? (() => undefined);
  }

  /** The running job of this kind and target, if any (two rebuilds of one projection would fight over its build). */
  running(kind: JobKind, target: string): JobView | undefined {
    for (const job of this.jobs.values()) if (job.view.kind === kind && job.view.target === target && job.view.status === 'running') return job.view;
    return undefined;
  }

  start(kind: JobKind, target: string, startedBy: string, body: JobBody): JobView {
    const job: Job = {
      view: { id: randomUUID(), kind, target, status: 'running', startedBy, startedAt: new Date(this.now()).toISOString(), finishedAt: null, progress: null, result: null, error: null },
    };
    this.jobs.set(job.view.id, job);
    const update = (fields: Partial<JobView>) => {
      job.view = { ...job.view, ...fields };
    };
    void body((progress) => update({ progress })).then(
      (result) => update({ status: 'succeeded', result, finishedAt: new Date(this.now()).toISOString() }),
      (error: unknown) => {
        const e = error as { message?: string; field?: unknown; rule?: unknown; retriable?: unknown };
        if (e.retriable !== false) this.onError(error);
        update({
          status: 'failed', finishedAt: new Date(this.now()).toISOString(),
          error: { message: e.message ?? String(error), ...(typeof e.field === 'string' ? { field: e.field } : {}), ...(typeof e.rule === 'string' ? { rule: e.rule } : {}) },
        });
      },
    ).finally(() => this.forgetOld());
    return job.view;
  }

  get(id: string): JobView | undefined {
    return this.jobs.get(id)?.view;
  }

  /** Newest first. */
  list(): JobView[] {
    return [...this.jobs.values()].map((j) => j.view).reverse();
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.view.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - this.keep))) this.jobs.delete(job.view.id);
  }
}
