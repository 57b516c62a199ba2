// Starts the API on a ledger: the push hub, the ingest dedupe table, the query functions over
// the projections, readiness checks and lag, then an HTTP server. `call-ledger run` starts it
// as a component (api/component.ts); specs and the benchmark call startApi directly.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import knexFactory, { type Knex } from 'knex';
import type { Ledger } from '../platform/open-ledger.ts';
import { createApp, type ApiLimits } from './app.ts';
import { tokenKeys, type TokenKeys } from './http/auth.ts';
import { ApiMetrics, type LagReading, type QueueReading } from './http/metrics.ts';
import { PostgresAcceptedIds } from './ingest/accepted-ids.ts';
import { startPushHub } from './push/push-hub.ts';
import { projectionQueries } from './queries/projection-queries.ts';
import { replayOperations } from './ops/replay-operations.ts';
import { JobRegistry } from './ops/replay-jobs.ts';
import type { QueryPorts } from './queries/query-ports.ts';
import type { IngestService } from './ingest/ingest-service.ts';
import { loadKeymap } from './web/keymap.ts';

export interface RunningApi {
  readonly url: string;
  readonly server: Server;
  readonly keys: TokenKeys;
  readonly metrics: ApiMetrics;
  readonly ingest: IngestService;
  stop(): Promise<void>;
}

export interface StartApiOptions {
  readonly port?: number;
  readonly host?: string;
  readonly now?: () => number;
  readonly limits?: Partial<ApiLimits>;
  /** Replaces the projection queries (specs). */
  readonly queries?: QueryPorts;
  readonly heartbeatMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Development secret when LEDGER_API_JWT_SECRET is unset (never in production: the component refuses). */
  readonly jwtSecret?: string;
}

export async function readLag(ledger: Ledger, groups: readonly string[]): Promise<LagReading[]> {
  const readings: LagReading[] = [];
  for (const topic of ledger.codec.catalogue.topics) {
    const description = await ledger.log.describeTopic(topic).catch(() => undefined);
    if (!description) continue;
    for (const group of groups) {
      const offsets = await ledger.log.groupOffsets(group, topic);
      if (offsets.size === 0) continue;
      let position = 0;
      let lag = 0;
      for (const p of description.partitions) {
        const committed = offsets.get(p.partition) ?? p.low;
        position += committed;
        lag += Math.max(0, p.high - committed);
      }
      readings.push({ group, topic, position, lag });
    }
  }
  return readings;
}

/** Queue depth, longest wait and today's service level per queue, for /metrics. */
export async function queueReadings(queries: QueryPorts, now: number): Promise<QueueReading[]> {
  if (!queries.liveQueues) return [];
  const queues = (await queries.liveQueues(now)) as { queueId: string; waiting: number; longestWaitMs: number }[];
  const day = new Date(now);
  day.setUTCHours(0, 0, 0, 0);
  const levels = queries.serviceLevels ? await queries.serviceLevels(day.getTime(), now + 1) : new Map<string, number | null>();
  return queues.map((q) => ({ queueId: q.queueId, waiting: q.waiting, longestWaitMs: q.longestWaitMs, serviceLevel: levels.get(q.queueId) ?? null }));
}

export async function startApi(ledger: Ledger, options: StartApiOptions = {}): Promise<RunningApi> {
  const config = ledger.config.api;
  const secret = config.jwtSecret ?? options.jwtSecret;
  if (!secret) throw new Error('LEDGER_API_JWT_SECRET is not set');
  const keys = tokenKeys(secret, config.jwtIssuer);
  if (config.web.demoTokens && config.jwtSecret) throw new Error('LEDGER_WEB_DEMO_TOKENS=on is for development only: it is refused when LEDGER_API_JWT_SECRET (a real secret) is set');
  const keymap = loadKeymap(config.web.keymapFile);
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const lag = () => readLag(ledger, config.lagGroups);
  const acceptedIds = new PostgresAcceptedIds({ pool: ledger.pool, schema: ledger.config.dbSchema });
  await acceptedIds.migrate();
  let knex: Knex | undefined;
  let queries = options.queries;
  if (!queries) {
    knex = knexFactory({ client: 'pg', connection: ledger.databaseUrl, pool: { min: 0, max: 4 } });
    queries = projectionQueries(knex, config.readSchema, { personalData: ledger.personalData, catalogue: ledger.codec.catalogue });
  }
  const ports = queries;
  const replayKnex = knexFactory({ client: 'pg', connection: ledger.databaseUrl, pool: { min: 0, max: 2 } });
  const jobs = new JobRegistry({ pool: ledger.pool, schema: ledger.config.dbSchema, now, onError });
  await jobs.migrate();
  const metrics = new ApiMetrics(lag, () => queueReadings(ports, now()));
  const catalogue = ledger.codec.catalogue;
  const topics = [...new Set(['InteractionStarted', 'AgentLoggedIn', 'SystemModeChanged', 'DataAccessed'].map((t) => catalogue.get(t).topic))];
  const hub = await startPushHub({ log: ledger.log, topics, decode: async (r) => (await ledger.codec.decode(r.value)) as never, metrics, onError });
  const { app, ingest } = createApp({
    now, log: ledger.log, codec: ledger.codec, personalData: ledger.personalData, acceptedIds, tokenKeys: keys, metrics, hub, queries, onError,
    limits: { bodyBytes: config.bodyLimitBytes, ratePerSource: config.ratePerSource, burstPerSource: config.burstPerSource, ...options.limits },
    heartbeatMs: options.heartbeatMs,
    replay: replayOperations(ledger, replayKnex),
    jobs,
    web: { pagesDir: config.web.pagesDir, keymap, demoTokens: config.web.demoTokens },
    lag,
    shedFeatures: ledger.config.degradation.shedFeatures,
    checks: {
      log: async () => {
        await ledger.log.describeTopic(catalogue.get('InteractionStarted').topic);
      },
      database: async () => {
        await ledger.pool.query('select 1');
      },
      registry: async () => {
        if (ledger.config.log === 'kafka') {
          const response = await fetch(`${ledger.config.registryUrl}/subjects`, { signal: AbortSignal.timeout(2000) });
          if (!response.ok) throw new Error(`registry answered ${response.status}`);
        } else {
          await ledger.codec.schemaIdFor(catalogue.get('DataAccessed'));
        }
      },
    },
  });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.port, options.host ?? config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    server, keys, metrics, ingest,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ingest.drain();
      await hub.stop();
      await knex?.destroy();
      jobs.close();
      await replayKnex.destroy();
    },
  };
}
