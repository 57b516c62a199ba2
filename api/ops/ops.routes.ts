// Operations: liveness (/health), readiness (/ready: log, database, schema registry, consumer
// lag), Prometheus metrics (/metrics), the system mode switch (a SystemModeChanged event), and
// the shedding of features. Rebuild, re-drive and what-if jobs: replay.routes.ts.
import { Router } from 'express';
import type { SystemModeChangedData } from '../../schemas/generated/events.ts';
import { allow, principalOf } from '../http/auth.ts';
import { commandSchemas, validateBody } from '../http/body-schema.ts';
import type { ApiMetrics, LagReading } from '../http/metrics.ts';
import { fail } from '../http/problem.ts';
import type { LedgerIo } from '../ledger/ledger-io.ts';

export type Check = () => Promise<void>;

export interface OpsParts {
  readonly now: () => number;
  readonly io: LedgerIo;
  readonly metrics: ApiMetrics;
  /** Named readiness checks, e.g. log, database, registry; each rejects when not ready. */
  readonly checks: Readonly<Record<string, Check>>;
  readonly lag: () => Promise<readonly LagReading[]>;
  /** Lag above this many records makes /ready report `degraded` (still 200: the API serves). */
  readonly maxLag: number;
  /** What a DEGRADED or EMERGENCY switch sheds when the body names nothing (LEDGER_DEGRADE_SHED_FEATURES, as the controller). */
  readonly shedFeatures?: readonly string[];
}

/** The degradation controller's default (platform/config.ts). */
const defaultShedFeatures = ['analytics', 'qa', 'summary'];

const timeoutMs = 2_000;
function withTimeout(check: Check): Promise<void> {
  return Promise.race([check(), new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref())]);
}

export function opsRoutes(parts: OpsParts): Router {
  const router = Router();
  const controlTopic = parts.io.codec.catalogue.get('SystemModeChanged').topic;

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/ready', async (_req, res) => {
    const results: Record<string, { status: 'ok' | 'failed' | 'degraded'; detail?: string }> = {};
    await Promise.all(Object.entries(parts.checks).map(async ([name, check]) => {
      try {
        await withTimeout(check);
        results[name] = { status: 'ok' };
      } catch (error) {
        results[name] = { status: 'failed', detail: (error as Error).message.slice(0, 200) };
      }
    }));
    try {
      const readings = await parts.lag();
      const worst = readings.reduce((m, r) => Math.max(m, r.lag), 0);
      results.consumerLag = worst > parts.maxLag ? { status: 'degraded', detail: `max lag ${worst} records > ${parts.maxLag}` } : { status: 'ok', detail: `max lag ${worst} records` };
    } catch (error) {
      results.consumerLag = { status: 'degraded', detail: (error as Error).message.slice(0, 200) };
    }
    const failed = Object.values(results).some((r) => r.status === 'failed');
    const degraded = Object.values(results).some((r) => r.status === 'degraded');
    res.status(failed ? 503 : 200).json({ status: failed ? 'unavailable' : degraded ? 'degraded' : 'ready', checks: results });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(parts.metrics.registry.contentType).send(await parts.metrics.registry.metrics());
  });

  router.get('/v1/ops/lag', allow('ops', 'supervisor'), async (_req, res) => {
    res.json({ readings: await parts.lag() });
  });

  const currentMode = async (scope: string): Promise<SystemModeChangedData | null> => {
    const events = await parts.io.readKey(controlTopic, scope, 0);
    const last = [...events].reverse().find((e) => e.type === 'SystemModeChanged');
    return last && last.type === 'SystemModeChanged' ? last.data : null;
  };

  router.get('/v1/ops/system-mode', allow('ops', 'supervisor'), async (req, res) => {
    const scope = typeof req.query.scope === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(req.query.scope) ? req.query.scope : 'GLOBAL';
    const mode = await currentMode(scope);
    res.json({ scope, mode: mode?.mode ?? 'NORMAL', detail: mode });
  });

  router.post('/v1/ops/system-mode', allow('ops'), validateBody(commandSchemas.systemMode), async (req, res) => {
    const principal = principalOf(req);
    const body = req.body as { scope?: string; mode: 'NORMAL' | 'DEGRADED' | 'EMERGENCY'; reason: string; shedFeatures?: string[]; activeSite?: string | null };
    const scope = body.scope ?? 'GLOBAL';
    const previous = await currentMode(scope);
    const previousMode = previous?.mode ?? 'NORMAL';
    if (previousMode === body.mode && body.mode !== 'DEGRADED') fail('conflict', `Scope ${scope} is already ${body.mode}.`);
    const [event] = await parts.io.write([{
      type: 'SystemModeChanged',
      data: { scope, mode: body.mode, previousMode, reason: body.reason, changedBy: principal.subject, shedFeatures: body.shedFeatures ?? (body.mode === 'NORMAL' ? [] : [...(parts.shedFeatures ?? defaultShedFeatures)]), activeSite: body.activeSite ?? null },
    }]);
    res.status(201).json({ eventId: event.metadata.eventId, scope, mode: body.mode, previousMode });
  });

  return router;
}
