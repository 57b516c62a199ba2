// Replay from the ops API (until now CLI-only): a projection rebuild, a topic re-drive (counted
// first) and a what-if replay start as background jobs (202 with the job and its Location); GET
// /v1/ops/jobs/{id} reports progress and, when done, the result. Operations role only. Bad input
// is refused before anything starts (422 naming the field and the rule).
import { Router, type Response } from 'express';
import { allow, principalOf } from '../http/auth.ts';
import { validateBody } from '../http/body-schema.ts';
import { fail } from '../http/problem.ts';
import { JobConflictError, type JobProgress, type JobRegistry, type JobView } from './replay-jobs.ts';

export interface RedriveRequest {
  readonly topic: string;
  readonly to: string;
  readonly range: { readonly kind: 'offsets'; readonly fromOffset: number; readonly toOffset?: number } | { readonly kind: 'time'; readonly fromTime: number; readonly toTime?: number };
  readonly dryRun: boolean;
}

export interface WhatIfJobRequest {
  readonly kind: 'routing' | 'risk' | 'qa';
  /** The candidate document as JSON text. */
  readonly document: string;
  readonly from: number;
  readonly to: number;
  readonly site?: string;
  readonly policyId?: string;
}

/** What the jobs run: the replay/ and projections/ functions bound to this process's ledger. */
export interface ReplayOperations {
  /** Read model names a rebuild accepts (besides `all`). */
  readonly projections: readonly string[];
  rebuild(projection: string, progress: (p: JobProgress) => void): Promise<unknown>;
  redrive(request: RedriveRequest, progress: (p: JobProgress) => void): Promise<unknown>;
  /** Throws an error with `field` and `rule` (or a list of `errors`) for a bad request, before anything is read. */
  validateWhatIf(request: WhatIfJobRequest): void;
  whatIf(request: WhatIfJobRequest, progress: (p: JobProgress) => void): Promise<unknown>;
}

export interface ReplayParts {
  /** Absent (no replay runtime): the routes answer 501. */
  readonly jobs?: JobRegistry;
  readonly operations?: ReplayOperations;
}

const topicName = { type: 'string', minLength: 1, maxLength: 249, pattern: '^[A-Za-z0-9._-]+$' } as const;
const offset = { type: 'integer', minimum: 0 } as const;
const isoTime = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const replaySchemas = {
  redrive: {
    type: 'object', additionalProperties: false, required: ['topic', 'to'],
    properties: { topic: topicName, to: topicName, fromOffset: offset, toOffset: offset, fromTime: isoTime, toTime: isoTime, dryRun: { type: 'boolean' } },
  },
  whatIf: {
    type: 'object', additionalProperties: false, required: ['kind', 'document', 'from', 'to'],
    properties: {
      kind: { enum: ['routing', 'risk', 'qa'] }, document: { type: ['object', 'string'] }, from: isoTime, to: isoTime,
      site: { type: 'string', minLength: 1, maxLength: 64 }, policyId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' },
    },
  },
} as const;

function invalid(field: string, rule: string, message: string): never {
  return fail('validation', `${field}: ${message}.`, { errors: [{ field, rule, message }] });
}

function timeOf(field: string, value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) invalid(field, 'format', 'must be an ISO-8601 time');
  return ms;
}

function redriveRequestOf(body: { topic: string; to: string; fromOffset?: number; toOffset?: number; fromTime?: string; toTime?: string; dryRun?: boolean }): RedriveRequest {
  if (body.to === body.topic) invalid('to', 'other-topic', 'must differ from topic');
  const byOffset = body.fromOffset !== undefined || body.toOffset !== undefined;
  const byTime = body.fromTime !== undefined || body.toTime !== undefined;
  if (byOffset === byTime) invalid('fromOffset', 'one-range', 'give either fromOffset [toOffset] or fromTime [toTime]');
  if (byOffset) {
    if (body.fromOffset === undefined) invalid('fromOffset', 'required', 'is required with toOffset');
    if (body.toOffset !== undefined && body.toOffset < body.fromOffset) invalid('toOffset', 'minimum', 'must not be below fromOffset');
    return { topic: body.topic, to: body.to, dryRun: body.dryRun ?? false, range: { kind: 'offsets', fromOffset: body.fromOffset, toOffset: body.toOffset } };
  }
  if (body.fromTime === undefined) invalid('fromTime', 'required', 'is required with toTime');
  const fromTime = timeOf('fromTime', body.fromTime);
  const toTime = body.toTime === undefined ? undefined : timeOf('toTime', body.toTime);
  if (toTime !== undefined && toTime < fromTime) invalid('toTime', 'minimum', 'must not be before fromTime');
  return { topic: body.topic, to: body.to, dryRun: body.dryRun ?? false, range: { kind: 'time', fromTime, toTime } };
}

/** Bad candidate documents and periods: every field error, as validation problems. */
function refuseInvalid(error: unknown): never {
  const e = error as { retriable?: unknown; field?: unknown; rule?: unknown; message?: string; errors?: readonly { field: string; rule: string; message: string }[] };
  if (e.retriable !== false) throw error;
  const errors = e.errors ?? [{ field: String(e.field ?? '(body)'), rule: String(e.rule ?? 'invalid'), message: e.message ?? 'is invalid' }];
  return fail('validation', e.message ?? 'The request is not valid.', { errors: errors.map(({ field, rule, message }) => ({ field, rule, message })) });
}

export function replayRoutes(parts: ReplayParts): Router {
  const router = Router();
  const notWired = (): never => fail('notImplemented', 'No replay runtime is wired into this API process; use the `call-ledger` CLI.');
  const operations = (): ReplayOperations => parts.operations ?? notWired();
  const jobs = (): JobRegistry => parts.jobs ?? notWired();
  const accepted = (res: Response, job: JobView) => {
    res.status(202).setHeader('Location', `/v1/ops/jobs/${job.id}`);
    res.json(job);
  };

  router.post('/v1/ops/projections/:projection/rebuild', allow('ops'), async (req, res) => {
    const ops = operations();
    const name = String(req.params.projection);
    if (!/^[a-z0-9_-]{1,64}$/.test(name)) invalid('projection', 'pattern', 'must match ^[a-z0-9_-]{1,64}$');
    if (name !== 'all' && !ops.projections.includes(name)) fail('notFound', `No read model '${name}' (known: ${ops.projections.join(', ')}, all).`);
    // Two rebuilds of one read model would fight over its build: `all` excludes every other one.
    const exclusive = name === 'all' ? ['all', ...ops.projections] : [name, 'all'];
    try {
      accepted(res, await jobs().start('rebuild', name, principalOf(req).subject, (progress) => ops.rebuild(name, progress), exclusive));
    } catch (error) {
      if (!(error instanceof JobConflictError)) throw error;
      fail('conflict', `A rebuild of ${error.running.target} is already running (job ${error.running.id}).`, { job: error.running.id });
    }
  });

  router.post('/v1/ops/redrive', allow('ops'), validateBody(replaySchemas.redrive), async (req, res) => {
    const ops = operations();
    const request = redriveRequestOf(req.body as Parameters<typeof redriveRequestOf>[0]);
    accepted(res, await jobs().start('redrive', `${request.topic} → ${request.to}`, principalOf(req).subject, (progress) => ops.redrive(request, progress)));
  });

  router.post('/v1/ops/what-if', allow('ops'), validateBody(replaySchemas.whatIf), async (req, res) => {
    const ops = operations();
    const body = req.body as { kind: WhatIfJobRequest['kind']; document: unknown; from: string; to: string; site?: string; policyId?: string };
    const request: WhatIfJobRequest = {
      kind: body.kind, document: typeof body.document === 'string' ? body.document : JSON.stringify(body.document),
      from: timeOf('from', body.from), to: timeOf('to', body.to), site: body.site, policyId: body.policyId,
    };
    try {
      ops.validateWhatIf(request);
    } catch (error) {
      refuseInvalid(error);
    }
    accepted(res, await jobs().start('what-if', `${request.kind} ${new Date(request.from).toISOString()} → ${new Date(request.to).toISOString()}`, principalOf(req).subject, (progress) => ops.whatIf(request, progress)));
  });

  router.get('/v1/ops/jobs', allow('ops'), async (_req, res) => {
    res.json({ jobs: await jobs().list() });
  });

  router.get('/v1/ops/jobs/:id', allow('ops'), async (req, res) => {
    const job = await jobs().get(String(req.params.id));
    if (!job) fail('notFound', `No job ${String(req.params.id)}.`);
    res.json(job);
  });

  return router;
}
