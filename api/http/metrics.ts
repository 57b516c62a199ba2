// The API's Prometheus metrics on its own prom-client registry (no global state): request
// rates and latencies by route, events accepted by ingest, events seen on the log per topic and
// producer (events out per processor), consumer positions and lag per group (events in per
// processor), decision latency and push delivery latency.
import client from 'prom-client';
import type { RequestHandler } from 'express';

export interface LagSource {
  readonly group: string;
  readonly topics: readonly string[];
}

export interface LagReading {
  readonly group: string;
  readonly topic: string;
  readonly position: number;
  readonly lag: number;
}

/** Contact-centre figures exported for dashboards, read from the projections when scraped. */
export interface QueueReading {
  readonly queueId: string;
  readonly waiting: number;
  readonly longestWaitMs: number;
  /** Service level of the current day so far (0..1), when the wallboard read model has it. */
  readonly serviceLevel: number | null;
}

export class ApiMetrics {
  readonly registry = new client.Registry();
  readonly requests: client.Counter<'method' | 'route' | 'status'>;
  readonly latency: client.Histogram<'method' | 'route'>;
  readonly eventsIn: client.Counter<'source' | 'type'>;
  readonly duplicates: client.Counter<'source'>;
  readonly logEvents: client.Counter<'topic' | 'producer'>;
  readonly pushed: client.Counter<'stream'>;
  readonly pushConnections: client.Gauge<'stream'>;
  readonly decisionLatency: client.Histogram<'processor'>;
  readonly pushLatency: client.Histogram<'stream'>;
  readonly consumerLag: client.Gauge<'group' | 'topic'>;
  readonly consumerPosition: client.Gauge<'group' | 'topic'>;
  readonly ingestBatch: client.Histogram;
  readonly queueWaiting: client.Gauge<'queue'>;
  readonly queueLongestWait: client.Gauge<'queue'>;
  readonly serviceLevel: client.Gauge<'queue'>;

  constructor(readLag: () => Promise<readonly LagReading[]> = async () => [], readQueues: () => Promise<readonly QueueReading[]> = async () => []) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'ledger_api_' });
    this.requests = new client.Counter({ name: 'ledger_api_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers });
    this.latency = new client.Histogram({
      name: 'ledger_api_request_duration_seconds', help: 'HTTP request latency by route', labelNames: ['method', 'route'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.eventsIn = new client.Counter({ name: 'ledger_api_events_accepted_total', help: 'Events durably appended by ingest and commands', labelNames: ['source', 'type'], registers });
    this.duplicates = new client.Counter({ name: 'ledger_api_events_duplicate_total', help: 'Ingested events recognised as retries (same eventId) and not appended again', labelNames: ['source'], registers });
    this.logEvents = new client.Counter({ name: 'ledger_log_events_total', help: 'Events seen on the log by the API push tail, by topic and producer (events out per processor)', labelNames: ['topic', 'producer'], registers });
    this.pushed = new client.Counter({ name: 'ledger_api_push_messages_total', help: 'Server-sent messages', labelNames: ['stream'], registers });
    this.pushConnections = new client.Gauge({ name: 'ledger_api_push_connections', help: 'Open server-sent-event streams', labelNames: ['stream'], registers });
    this.decisionLatency = new client.Histogram({
      name: 'ledger_decision_latency_seconds', help: 'recordedAt − occurredAt of decision events (RoutingDecided, RiskAlertRaised, AgentAssistSuggested, InteractionOffered)', labelNames: ['processor'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    });
    this.pushLatency = new client.Histogram({
      name: 'ledger_api_push_latency_seconds', help: 'From an event being recorded to its push to a stream', labelNames: ['stream'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    });
    this.ingestBatch = new client.Histogram({ name: 'ledger_api_append_batch_size', help: 'Events per log append (group commit)', buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000], registers });
    // Lag is read when scraped: prom-client calls collect() on every scrape.
    const refreshLag = async (): Promise<void> => {
      const readings = await readLag().catch(() => [] as readonly LagReading[]);
      for (const r of readings) {
        this.consumerLag.set({ group: r.group, topic: r.topic }, r.lag);
        this.consumerPosition.set({ group: r.group, topic: r.topic }, r.position);
      }
    };
    this.consumerLag = new client.Gauge({ name: 'ledger_consumer_lag', help: 'Records behind the end of the topic, per consumer group', labelNames: ['group', 'topic'], registers, collect: refreshLag });
    const refreshQueues = async (): Promise<void> => {
      const readings = await readQueues().catch(() => [] as readonly QueueReading[]);
      this.queueWaiting.reset();
      this.queueLongestWait.reset();
      this.serviceLevel.reset();
      for (const q of readings) {
        this.queueWaiting.set({ queue: q.queueId }, q.waiting);
        this.queueLongestWait.set({ queue: q.queueId }, q.longestWaitMs / 1000);
        if (q.serviceLevel !== null) this.serviceLevel.set({ queue: q.queueId }, q.serviceLevel);
      }
    };
    this.queueWaiting = new client.Gauge({ name: 'ledger_queue_waiting', help: 'Calls waiting per queue (live-queues projection)', labelNames: ['queue'], registers, collect: refreshQueues });
    this.queueLongestWait = new client.Gauge({ name: 'ledger_queue_longest_wait_seconds', help: 'Longest current wait per queue', labelNames: ['queue'], registers });
    this.serviceLevel = new client.Gauge({ name: 'ledger_service_level_ratio', help: 'Service level today so far per queue (wallboard projection)', labelNames: ['queue'], registers });
    this.consumerPosition = new client.Gauge({
      name: 'ledger_consumer_position', help: 'Committed records (sum of checkpoints) per group and topic; its rate is events in per processor', labelNames: ['group', 'topic'], registers,
    });
  }

  /** Counts and times every request by its route pattern (not its URL: ids would explode the label space). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = process.hrtime.bigint();
      res.on('finish', () => {
        const route = (req.route as { path?: string } | undefined)?.path ? `${req.baseUrl}${(req.route as { path: string }).path}` : 'unmatched';
        const seconds = Number(process.hrtime.bigint() - end) / 1e9;
        this.requests.inc({ method: req.method, route, status: String(res.statusCode) });
        this.latency.observe({ method: req.method, route }, seconds);
      });
      next();
    };
  }
}
