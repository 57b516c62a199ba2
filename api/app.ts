// Builds the API from injected parts (clock, log, codec, key store, read-side query functions,
// token keys, metrics, push hub): no module singletons, so specs build as many apps as they like.
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { LedgerLog } from '../log/port.ts';
import type { EventCodec } from '../schemas/codec/event-codec.ts';
import type { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import { JsonEventValidator } from '../schemas/validation/json-event-validator.ts';
import { agentRoutes } from './agent/agent.routes.ts';
import { complianceRoutes } from './compliance/compliance.routes.ts';
import { authenticate, type TokenKeys } from './http/auth.ts';
import type { ApiMetrics, LagReading } from './http/metrics.ts';
import { fail, problemHandler } from './http/problem.ts';
import { TokenBuckets } from './http/rate-limit.ts';
import type { AcceptedIds } from './ingest/accepted-ids.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { ingestRoutes } from './ingest/ingest.routes.ts';
import type { Producer } from './ingest/prepare-event.ts';
import { auditTrail } from './ledger/audit-trail.ts';
import { interactionAccess } from './ledger/interaction-access.ts';
import { ledgerIo } from './ledger/ledger-io.ts';
import { openApiDocument } from './openapi/openapi.ts';
import { opsRoutes, type Check } from './ops/ops.routes.ts';
import type { JobRegistry } from './ops/replay-jobs.ts';
import { replayRoutes, type ReplayOperations } from './ops/replay.routes.ts';
import { campaignRoutes } from './ops/campaign.routes.ts';
import type { PushHub } from './push/push-hub.ts';
import { supervisorRoutes } from './push/supervisor.routes.ts';
import { analystRoutes } from './queries/analyst.routes.ts';
import { customerRoutes } from './queries/customers.routes.ts';
import type { QueryPorts } from './queries/query-ports.ts';
import { defaultKeymap, type Keymap } from './web/keymap.ts';
import { webRoutes } from './web/web.routes.ts';

export interface ApiLimits {
  readonly bodyBytes: number;
  readonly ratePerSource: number;
  readonly burstPerSource: number;
  readonly maxBatchEvents: number;
  /** How far back agent commands and screen pops read an agent's or interaction's events. */
  readonly lookbackMs: number;
  /** Consumer lag (records) above which /ready says degraded. */
  readonly maxLag: number;
  /** How much recent log a fresh agent stream replays (an offer ringing during a page reload is shown again). */
  readonly offerReplayMs: number;
  /** Longest customer-timeline range when the log must be scanned (no customer-history read model). */
  readonly maxScanDays: number;
}

export const defaultLimits: ApiLimits = {
  bodyBytes: 1_048_576, ratePerSource: 20_000, burstPerSource: 40_000, maxBatchEvents: 1000, lookbackMs: 24 * 3_600_000, maxLag: 10_000, maxScanDays: 31, offerReplayMs: 30_000,
};

export interface ApiParts {
  readonly now: () => number;
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly personalData: PersonalDataProtector;
  readonly acceptedIds: AcceptedIds;
  readonly tokenKeys: TokenKeys;
  readonly metrics: ApiMetrics;
  readonly hub: PushHub;
  readonly queries?: QueryPorts;
  readonly checks?: Readonly<Record<string, Check>>;
  readonly lag?: () => Promise<readonly LagReading[]>;
  /** Rebuild, re-drive and what-if operations (replay.routes.ts) and the jobs that run them; absent: those routes answer 501. */
  readonly replay?: ReplayOperations;
  readonly jobs?: JobRegistry;
  /** What the ops mode switch sheds by default (LEDGER_DEGRADE_SHED_FEATURES). */
  readonly shedFeatures?: readonly string[];
  readonly limits?: Partial<ApiLimits>;
  readonly producer?: Producer;
  readonly onError?: (error: unknown) => void;
  readonly newId?: () => string;
  readonly heartbeatMs?: number;
  /** The web pages: built folder (null: none), keymap, development demo tokens. Default: no pages, default keymap, no demo tokens. */
  readonly web?: { readonly pagesDir: string | null; readonly keymap: Keymap; readonly demoTokens: boolean };
}

export interface Api {
  readonly app: Express;
  readonly ingest: IngestService;
}

export function createApp(parts: ApiParts): Api {
  const limits = { ...defaultLimits, ...parts.limits };
  const producer = parts.producer ?? { component: 'api', version: '0.1.0' };
  const onError = parts.onError ?? ((error: unknown) => console.error(error));
  const queries = parts.queries ?? {};
  const metrics = parts.metrics;
  const io = ledgerIo({ log: parts.log, codec: parts.codec, now: parts.now, producer, newId: parts.newId });
  const audit = auditTrail(io);
  const access = interactionAccess({ io, codec: parts.codec, personalData: parts.personalData, audit, now: parts.now, lookbackMs: limits.lookbackMs });
  const ingest = new IngestService({
    log: parts.log, acceptedIds: parts.acceptedIds,
    observer: {
      appended: (e) => metrics.eventsIn.inc({ source: e.source, type: e.type }),
      duplicate: (e) => metrics.duplicates.inc({ source: e.source }),
      batch: (n) => metrics.ingestBatch.observe(n),
      confirmFailed: onError,
    },
  });
  const stream = { log: parts.log, hub: parts.hub, decode: io.decode, metrics, onError, heartbeatMs: parts.heartbeatMs };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    res.locals.requestId = typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', String(res.locals.requestId));
    next();
  });
  app.use(metrics.middleware());
  app.use((req, _res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (req.method !== 'GET' && req.method !== 'HEAD' && (length > 0 || req.headers['transfer-encoding']) && !req.is(['application/json', 'application/*+json'])) {
      fail('unsupportedMedia', `Content-Type ${req.headers['content-type'] ?? '(none)'} is not accepted; send application/json.`);
    }
    next();
  });
  app.use(express.json({ limit: limits.bodyBytes, type: ['application/json', 'application/*+json'], strict: true }));

  const document = openApiDocument(new JsonEventValidator(parts.codec.catalogue), parts.codec.catalogue);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(webRoutes({ ...(parts.web ?? { pagesDir: null, keymap: defaultKeymap, demoTokens: false }), tokenKeys: parts.tokenKeys, now: parts.now }));
  app.use(authenticate(parts.tokenKeys, parts.now));
  app.use(opsRoutes({ now: parts.now, io, metrics, checks: parts.checks ?? {}, lag: parts.lag ?? (async () => []), maxLag: limits.maxLag, shedFeatures: parts.shedFeatures }));
  app.use(replayRoutes({ jobs: parts.jobs, operations: parts.replay }));
  app.use(campaignRoutes({ io }));
  app.use(ingestRoutes({
    now: parts.now, codec: parts.codec, validator: new JsonEventValidator(parts.codec.catalogue), ingest, producer, maxBatchEvents: limits.maxBatchEvents,
    buckets: new TokenBuckets({ capacity: limits.burstPerSource, ratePerSecond: limits.ratePerSource, now: parts.now }),
  }));
  app.use(agentRoutes({ now: parts.now, io, access, audit, queries, stream, metrics, lookbackMs: limits.lookbackMs, offerReplayMs: limits.offerReplayMs }));
  app.use(supervisorRoutes({ stream, codec: parts.codec, personalData: parts.personalData }));
  app.use(analystRoutes({ now: parts.now, queries }));
  app.use(customerRoutes({ access, audit, queries }));
  app.use(complianceRoutes({ now: parts.now, io, access, audit, queries, lookbackMs: limits.lookbackMs, maxScanDays: limits.maxScanDays }));
  app.use((req) => {
    fail('notFound', `${req.method} ${req.path} is not a route of this API; see /openapi.json.`);
  });
  app.use(problemHandler(onError));
  return { app, ingest };
}
