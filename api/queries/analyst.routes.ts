// Analyst queries over the projections: KPIs by interval/queue/tier/source, agent profiles,
// IVR funnel, intents, questions; filters and keyset pagination (`after`, `limit`), JSON or CSV
// (`format=csv` or Accept: text/csv). Query parameters are validated here and only ever reach
// SQL as bound parameters inside the query functions.
import { Router, type Request, type Response } from 'express';
import { allow } from '../http/auth.ts';
import { fail } from '../http/problem.ts';
import { toCsv } from './csv.ts';
import type { ListFilter, Page, QueryPorts, Row } from './query-ports.ts';

const idPattern = /^[A-Za-z0-9._:/@-]{1,128}$/;
const day = 86_400_000;

function param(req: Request, name: string): string | null {
  const v = req.query[name];
  if (v === undefined) return null;
  if (typeof v !== 'string') fail('validation', `${name} must be given once.`, { errors: [{ field: name, rule: 'type', message: 'must be a single value' }] });
  return v;
}

function time(req: Request, name: string, fallback: number): number {
  const v = param(req, name);
  if (v === null) return fallback;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) fail('validation', `${name} must be an ISO-8601 time or epoch milliseconds.`, { errors: [{ field: name, rule: 'format', message: 'must be a date-time' }] });
  return t;
}

function ident(req: Request, name: string): string | null {
  const v = param(req, name);
  if (v !== null && !idPattern.test(v)) fail('validation', `${name} has characters that are not allowed.`, { errors: [{ field: name, rule: 'pattern', message: `must match ${idPattern.source}` }] });
  return v;
}

function integer(req: Request, name: string, fallback: number, min: number, max: number): number {
  const v = param(req, name);
  if (v === null) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) fail('validation', `${name} must be an integer from ${min} to ${max}.`, { errors: [{ field: name, rule: 'range', message: `must be ${min}..${max}` }] });
  return n;
}

export function listFilter(req: Request, now: number, extra: readonly string[]): ListFilter {
  const from = time(req, 'from', now - day);
  const to = time(req, 'to', now);
  if (to <= from) fail('validation', 'to must be after from.', { errors: [{ field: 'to', rule: 'range', message: 'must be after from' }] });
  if (to - from > 400 * day) fail('validation', 'At most 400 days per query.', { errors: [{ field: 'from', rule: 'range', message: 'range is at most 400 days' }] });
  const after = param(req, 'after');
  if (after !== null && (after.length > 512 || !/^[A-Za-z0-9_=-]+$/.test(after))) fail('validation', 'after is not a page cursor of ours.', { errors: [{ field: 'after', rule: 'pattern', message: 'must be a cursor from a previous page' }] });
  const filter: Record<string, string | number | null> = { from, to, limit: integer(req, 'limit', 100, 1, 10_000), after };
  for (const name of extra) filter[name] = ident(req, name);
  return filter as ListFilter;
}

function wantsCsv(req: Request): boolean {
  return param(req, 'format') === 'csv' || (req.headers.accept ?? '').includes('text/csv');
}

function send(req: Request, res: Response, name: string, page: Page<Row>): void {
  if (wantsCsv(req)) {
    res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${name}.csv"`);
    if (page.next) res.set('Link', `<?after=${page.next}>; rel="next"`);
    res.send(toCsv(page.items));
    return;
  }
  res.json(page);
}

export function analystRoutes(options: { now: () => number; queries: QueryPorts }): Router {
  const router = Router();
  const { queries } = options;
  const analysts = allow('analyst', 'supervisor', 'ops');
  const missing = (what: string): never => fail('notImplemented', `The ${what} read model is not available in this deployment yet.`);

  router.get('/v1/analytics/kpis', analysts, async (req, res) => {
    if (!queries.kpis) return missing('wallboard KPI');
    const f = listFilter(req, options.now(), ['queueId', 'tier', 'source']);
    const intervalMinutes = integer(req, 'intervalMinutes', 15, 1, 1440);
    send(req, res, 'kpis', await queries.kpis({ from: f.from, to: f.to, limit: f.limit, after: f.after, intervalMinutes, queueId: f.queueId as string | null, tier: f.tier as string | null, source: f.source as string | null }));
  });
  router.get('/v1/analytics/agents', analysts, async (req, res) => {
    if (!queries.agentProfiles) return missing('agent profile');
    send(req, res, 'agent-profiles', await queries.agentProfiles(listFilter(req, options.now(), ['agentId', 'team', 'site'])));
  });
  router.get('/v1/analytics/ivr-funnel', analysts, async (req, res) => {
    if (!queries.ivrFunnel) return missing('IVR funnel');
    send(req, res, 'ivr-funnel', await queries.ivrFunnel(listFilter(req, options.now(), ['flowId'])));
  });
  router.get('/v1/analytics/ivr-funnel/abandon-paths', analysts, async (req, res) => {
    if (!queries.ivrAbandonPaths) return missing('IVR funnel');
    send(req, res, 'ivr-abandon-paths', await queries.ivrAbandonPaths(listFilter(req, options.now(), ['flowId'])));
  });
  router.get('/v1/analytics/outbound-campaigns', analysts, async (req, res) => {
    if (!queries.outboundCampaigns) return missing('outbound campaigns');
    send(req, res, 'outbound-campaigns', await queries.outboundCampaigns(listFilter(req, options.now(), ['campaignId']), options.now()));
  });
  router.get('/v1/analytics/intents', analysts, async (req, res) => {
    if (!queries.intents) return missing('intents');
    send(req, res, 'intents', await queries.intents({ ...listFilter(req, options.now(), ['queueId', 'channel']), top: integer(req, 'top', 0, 0, 1000) }));
  });
  router.get('/v1/analytics/questions', analysts, async (req, res) => {
    if (!queries.questions) return missing('questions');
    send(req, res, 'questions', await queries.questions({ ...listFilter(req, options.now(), ['queueId', 'channel']), top: integer(req, 'top', 0, 0, 1000) }));
  });
  router.get('/v1/wallboard/queues', allow('supervisor', 'analyst', 'ops'), async (_req, res) => {
    if (!queries.liveQueues) return missing('live queues');
    res.json({ at: options.now(), queues: await queries.liveQueues(options.now()) });
  });
  router.get('/v1/wallboard/agents', allow('supervisor', 'analyst', 'ops'), async (_req, res) => {
    if (!queries.agentsBySkill) return missing('live queues');
    res.json({ at: options.now(), skills: await queries.agentsBySkill() });
  });
  router.get('/v1/wallboard/rolling', allow('supervisor', 'analyst', 'ops'), async (req, res) => {
    if (!queries.rollingKpis) return missing('wallboard KPI');
    const windowMinutes = integer(req, 'windowMinutes', 60, 15, 1440);
    res.json({ at: options.now(), windowMinutes, queues: await queries.rollingKpis(options.now(), windowMinutes) });
  });
  return router;
}
