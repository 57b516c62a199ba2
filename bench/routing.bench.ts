// npm run bench:routing — the routing figures of docs/BENCHMARKS.md, as JSON lines:
//   routing.compute      decide() time per input at 10,000 waiting calls and 5,000 agents (p50/p99/max, throughput)
//   routing.state        memory of that state (heap after GC), snapshot size and restore time
//   routing.e2e.kafka    queued→offered latency through the Kafka adapter: sequencer + routing in a
//                        child process, 5,000 simulated agents, 10,000 calls in the system at once
// Options (environment): ROUTING_BENCH_SKIP_KAFKA=1 skips the end-to-end part; ROUTING_BENCH_CALLS
// (calls in the system at once, default 10,000), ROUTING_BENCH_RATE (new calls/s, default 100); LEDGER_KAFKA_BROKERS,
// LEDGER_REGISTRY_URL, LEDGER_TEST_DATABASE_URL as for the tests.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openLog } from '../log/open-log.ts';
import type { AppendRecord, LedgerLog } from '../log/port.ts';
import { readConfig } from '../platform/config.ts';
import { catalogue } from '../schemas/catalogue.ts';
import { EventCodec, type EncodableEvent } from '../schemas/codec/event-codec.ts';
import type { LedgerEventMap } from '../schemas/generated/events.ts';
import { ConfluentSchemaRegistry } from '../schemas/registry/confluent-registry.ts';
import { decide, fromSnapshot, initialState, routingComponent, routingStats, toSnapshot, type RoutingInput, type RoutingSnapshot } from '../streams/routing/routing.decider.ts';
import type { RoutingPolicyDocument } from '../streams/routing/routing-policy.ts';
import { routingTopics } from '../streams/routing/routing-service.ts';
import { seededRandom as prng } from '../test/support/seeded-random.ts';

const gc = (globalThis as { gc?: () => void }).gc;
const emit = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify({ ...line, at: new Date().toISOString() })}\n`);
const t0 = Date.UTC(2026, 0, 5, 0, 0, 0);


const skills = Array.from({ length: 10 }, (_, i) => `skill-${i}`);
const policy: RoutingPolicyDocument = {
  defaultStrategy: 'longest-idle',
  ringTimeoutSeconds: 20,
  vip: { relationshipAgentWaitSeconds: 20, queueId: 'vip' },
  queues: [
    ...skills.map((skill, i) => ({
      id: `q${i}`, requiredSkills: [{ skill, minProficiency: 3 }], strategy: (['longest-idle', 'fewest-calls', 'skill-weighted', 'least-occupied', 'round-robin'] as const)[i % 5],
      overflow: [{ afterSeconds: 600, queueId: 'general' }],
    })),
    { id: 'general', requiredSkills: [] },
    { id: 'vip', requiredSkills: [{ skill: 'wealth', minProficiency: 5 }] },
  ],
};

let eventCounter = 0;
function event<T extends keyof LedgerEventMap>(type: T, ms: number, data: LedgerEventMap[T], interactionId: string | null = null): EncodableEvent & { type: T; data: LedgerEventMap[T] } {
  const eventId = `00000000-0000-4000-8000-${(++eventCounter).toString(16).padStart(12, '0')}`;
  return { type, metadata: { eventId, eventType: type, occurredAt: ms, recordedAt: ms, sourceSystem: 'simulator', interactionId, correlationId: null, causationId: null, producer: { component: 'simulator', version: '1' }, dataSubject: null }, data };
}
const agentSkills = (random: () => number) => [
  ...[0, 1, 2].map(() => ({ skill: skills[Math.floor(random() * skills.length)], proficiency: 1 + Math.floor(random() * 10) })),
  ...(random() < 0.5 ? [{ skill: 'cantonese', proficiency: 5 }] : []),
  ...(random() < 0.05 ? [{ skill: 'wealth', proficiency: 8 }] : []),
];
/** Every agent can take every queue in the end-to-end run, so freed agents always find a waiting call. */
const allSkills = (random: () => number) => [...skills.map((skill) => ({ skill, proficiency: 3 + Math.floor(random() * 8) })), { skill: 'cantonese', proficiency: 5 }];
const queued = (interactionId: string, ms: number, random: () => number) => event('QueueEntered', ms, {
  visitId: `${interactionId}-v1`, queueId: `q${Math.floor(random() * skills.length)}`, tier: random() < 0.1 ? 'PRIORITY' : 'STANDARD', priority: 0,
  requiredSkills: random() < 0.3 ? [{ skill: 'cantonese', minProficiency: 3 }] : [], position: 1, expectedWaitMs: null, intent: null,
}, interactionId);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function benchCompute(): void {
  const random = prng(7);
  gc?.();
  const baseline = process.memoryUsage().heapUsed;
  const state = initialState();
  const feed = (input: EncodableEvent) => decide(input as RoutingInput, state);
  feed(event('RoutingPolicyPublished', t0, { policyId: 'routing', version: 1, document: JSON.stringify(policy), documentSha256: 'x', publishedBy: 'bench', effectiveFrom: t0, changeNote: null }));
  const agents = Array.from({ length: 5000 }, (_, i) => `agent-${i}`);
  for (const agentId of agents) {
    feed(event('AgentLoggedIn', t0, { agentId, skills: agentSkills(random), teams: [], site: 'sh', cohort: null, station: null, supervisorId: null }));
    feed(event('AgentStateChanged', t0, { agentId, state: 'BUSY', previousState: null, reasonCode: null, interactionId: null }));
  }
  let calls = 0;
  // 10,000 calls arrived over the last 1,000 s and wait (every agent is busy).
  for (; calls < 10_000; calls++) feed(queued(`call-${calls}`, t0 + calls * 100, random));
  let now = t0 + 1_000_000;
  const built = routingStats(state);
  gc?.();
  const heapMB = (process.memoryUsage().heapUsed - baseline) / 1024 / 1024;
  const snapshotStart = performance.now();
  const snapshotJson = JSON.stringify(toSnapshot(state));
  const snapshotMs = performance.now() - snapshotStart;
  const restoreStart = performance.now();
  fromSnapshot(JSON.parse(snapshotJson) as RoutingSnapshot);
  const restoreMs = performance.now() - restoreStart;
  emit({ bench: 'routing.state', waitingCalls: built.waitingCalls, agents: built.agents, subQueues: built.subQueues, heapMB: Math.round(heapMB * 10) / 10, snapshotMB: Math.round((snapshotJson.length / 1024 / 1024) * 10) / 10, snapshotMs: Math.round(snapshotMs), restoreMs: Math.round(restoreMs) });

  // Steady state: a call arrives, an agent frees up and takes the best call it qualifies for, answers, goes busy; time ticks.
  const timings: number[] = [];
  const byInput: Record<string, number[]> = {};
  let decisions = 0;
  const timed = (input: EncodableEvent): ReturnType<typeof decide> => {
    const start = process.hrtime.bigint();
    const out = decide(input as RoutingInput, state);
    const us = Number(process.hrtime.bigint() - start) / 1000;
    timings.push(us);
    (byInput[`${input.type}→${out.length === 0 ? 'nothing' : out.some((d) => d.type === 'InteractionOffered') ? 'offer' : out.some((d) => d.data && 'outcome' in d.data && d.data.outcome === 'OVERFLOW') ? 'overflow' : 'wait'}`] ??= []).push(us);
    decisions += out.length;
    return out;
  };
  const iterations = 20_000;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    now += 20;
    timed(queued(`call-${calls++}`, now, random));
    const agentId = agents[Math.floor(random() * agents.length)];
    const out = timed(event('AgentStateChanged', now, { agentId, state: 'AVAILABLE', previousState: null, reasonCode: null, interactionId: null }));
    const offer = out.find((d) => d.type === 'InteractionOffered');
    if (offer && offer.type === 'InteractionOffered') {
      timed(event('InteractionAnswered', now, { agentId, offerId: offer.data.offerId, queueId: offer.data.queueId, queueWaitMs: null, ringMs: 0 }, offer.interactionId));
    }
    timed(event('AgentStateChanged', now, { agentId, state: 'BUSY', previousState: null, reasonCode: null, interactionId: offer?.interactionId ?? null }));
    if (i % 50 === 0) timed(event('RoutingClockTicked', now, { site: 'sh', now, sequence: i }));
  }
  const elapsedS = (performance.now() - started) / 1000;
  const sorted = [...timings].sort((a, b) => a - b);
  const after = routingStats(state);
  emit({
    bench: 'routing.compute', waitingCallsAtEnd: after.waitingCalls, agents: after.agents, inputs: timings.length, decisions,
    p50Us: Math.round(percentile(sorted, 50) * 10) / 10, p99Us: Math.round(percentile(sorted, 99) * 10) / 10, p999Us: Math.round(percentile(sorted, 99.9) * 10) / 10, maxUs: Math.round(sorted[sorted.length - 1]),
    inputsPerSecond: Math.round(timings.length / (timings.reduce((a, b) => a + b, 0) / 1e6)), wallInputsPerSecond: Math.round(timings.length / elapsedS),
    byInput: Object.fromEntries(Object.entries(byInput).map(([kind, values]) => {
      values.sort((a, b) => a - b);
      return [kind, { n: values.length, p50Us: Math.round(percentile(values, 50) * 10) / 10, p99Us: Math.round(percentile(values, 99) * 10) / 10 }];
    })),
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
  });
}

async function benchKafka(): Promise<void> {
  const inSystem = Number(process.env.ROUTING_BENCH_CALLS ?? '10000');
  const rate = Number(process.env.ROUTING_BENCH_RATE ?? '100');
  const databaseUrl = process.env.LEDGER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `routing_bench_${randomBytes(4).toString('hex')}`;
  const namespace = `bench-${randomBytes(4).toString('hex')}.`;
  const topic = (name: string): string => `${namespace}${name}`;
  const env = { LEDGER_LOG: 'kafka', LEDGER_DATABASE_URL: databaseUrl, LEDGER_DB_SCHEMA: schema, LEDGER_LOG_LEVEL: 'error', ROUTING_NAMESPACE: namespace, ROUTING_SITES: 'sh', ROUTING_SESSION_TIMEOUT_MS: '10000', ROUTING_SNAPSHOT_EVERY: '50000', ROUTING_MAX_BATCH: '500' };
  const config = readConfig({ ...process.env, ...env });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  await pool.query(`create schema if not exists "${schema}"`);
  const log: LedgerLog = await openLog(config, { kafka: { connectDeadlineMs: 15_000 } });
  const codec = new EventCodec({ catalogue: catalogue(), registry: new ConfluentSchemaRegistry(config.registryUrl) });
  await codec.registerAll();
  await log.createTopics(routingTopics(topic, 3));
  const child = spawn(process.execPath, [fileURLToPath(new URL('../streams/routing/routing-processor-child.ts', import.meta.url))], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`routing child exited ${code}`)));
  });

  const appendedAt = new Map<string, number>();
  const append = async (events: readonly EncodableEvent[]): Promise<void> => {
    const records: AppendRecord[] = [];
    for (const e of events) records.push({ topic: topic(codec.catalogue.get(e.type).topic), key: codec.keyOf(e), value: await codec.encode(e), timestamp: e.metadata.occurredAt });
    const at = performance.now();
    for (const e of events) appendedAt.set(e.metadata.eventId, at);
    await log.append(records);
  };

  // Simulated agents answer each offer at once, talk, and become available again. Latency of a
  // decision = when the observer consumed it − when the input that caused it was appended.
  const offerLatencies: number[] = [];
  const waitLatencies: number[] = [];
  let measureFrom = Number.POSITIVE_INFINITY;
  let offers = 0;
  const decidedCalls = new Set<string>();
  const pending: EncodableEvent[] = [];
  const clock = (): number => t0 + Math.round(performance.now());
  const observer = await log.subscribe({
    group: topic('bench.observer'),
    topics: [topic('ledger.interactions')],
    maxBatchSize: 2000,
    handler: async (batch) => {
      const seenAt = performance.now();
      for (const record of batch.records) {
        const decoded = await codec.decode(record.value);
        if (decoded.metadata.producer.component !== routingComponent) continue;
        const cause = appendedAt.get(decoded.metadata.causationId ?? '');
        if (decoded.type === 'RoutingDecided') {
          decidedCalls.add(decoded.metadata.interactionId ?? '');
          const outcome = (decoded.data as LedgerEventMap['RoutingDecided']).outcome;
          if (cause !== undefined && cause >= measureFrom) (outcome === 'OFFER' ? offerLatencies : waitLatencies).push(seenAt - cause);
          continue;
        }
        if (decoded.type !== 'InteractionOffered') continue;
        offers++;
        const data = decoded.data as LedgerEventMap['InteractionOffered'];
        const interactionId = decoded.metadata.interactionId;
        pending.push(
          event('InteractionAnswered', clock(), { agentId: data.agentId, offerId: data.offerId, queueId: data.queueId, queueWaitMs: null, ringMs: 0 }, interactionId),
          event('AgentStateChanged', clock(), { agentId: data.agentId, state: 'BUSY', previousState: null, reasonCode: null, interactionId }),
        );
        // The first 5,000 calls end 10–60 s later (spread releases); later ones talk past the run.
        const talkMs = offers <= 5000 ? 10_000 + (offers % 500) * 100 : 120_000;
        setTimeout(() => pending.push(
          event('InteractionEnded', clock(), { endedBy: 'CUSTOMER', durationMs: talkMs, agentId: data.agentId, releaseCause: null }, interactionId),
          event('AgentStateChanged', clock(), { agentId: data.agentId, state: 'AVAILABLE', previousState: null, reasonCode: null, interactionId: null }),
        ), talkMs).unref();
      }
    },
  });
  const flusher = setInterval(() => {
    if (pending.length === 0) return;
    void append(pending.splice(0)).catch((error: unknown) => process.stderr.write(`append failed: ${String(error)}\n`));
  }, 5);

  const random = prng(11);
  const start = clock();
  await append([event('RoutingPolicyPublished', start, { policyId: 'routing', version: 1, document: JSON.stringify(policy), documentSha256: 'x', publishedBy: 'bench', effectiveFrom: t0, changeNote: null })]);
  const agents = Array.from({ length: 5000 }, (_, i) => `agent-${i}`);
  for (let i = 0; i < agents.length; i += 500) {
    await append(agents.slice(i, i + 500).flatMap((agentId) => [
      event('AgentLoggedIn', start, { agentId, skills: allSkills(random), teams: [], site: 'sh', cohort: null, station: null, supervisorId: null }),
      event('AgentStateChanged', start, { agentId, state: 'AVAILABLE', previousState: null, reasonCode: null, interactionId: null }),
    ]));
  }
  let callNumber = 0;
  const arrive = async (count: number): Promise<void> => {
    const now = clock();
    await append(Array.from({ length: count }, () => {
      const id = `call-${callNumber++}`;
      return [event('InteractionStarted', now, { interactionId: id, channel: 'VOICE', direction: 'INBOUND', callerNumber: null, dialledNumber: '95555', site: 'sh', previousInteractionId: null, campaignId: null, contactId: null, externalCallId: null }, id), queued(id, now, random)];
    }).flat());
  };
  // Warm-up: 10,000 calls in the system (5,000 talking, 5,000 waiting).
  const warmStart = performance.now();
  for (let c = 0; c < inSystem; c += 500) await arrive(Math.min(500, inSystem - c));
  const warmDeadline = performance.now() + 120_000;
  // Warm until every call of the warm-up has its first decision (the backlog is worked off), then settle.
  while ((offers < Math.min(5000, inSystem) || decidedCalls.size < inSystem) && performance.now() < warmDeadline) await new Promise((resolve) => setTimeout(resolve, 200));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const warmedAfterS = Math.round((performance.now() - warmStart) / 100) / 10;
  // Measured: 40 s at `rate` new calls/s while agents free up (~100/s) and take waiting calls.
  measureFrom = performance.now();
  const measureS = 40;
  for (let s = 0; s < measureS * 10; s++) {
    await arrive(rate / 10);
    const due = measureFrom + (s + 1) * 100;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const totalCalls = callNumber;
  clearInterval(flusher);
  await observer.stop();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await log.close();
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
  const summary = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { n: sorted.length, p50Ms: Math.round(percentile(sorted, 50) * 10) / 10, p95Ms: Math.round(percentile(sorted, 95) * 10) / 10, p99Ms: Math.round(percentile(sorted, 99) * 10) / 10, maxMs: Math.round(sorted[sorted.length - 1] ?? 0) };
  };
  emit({
    bench: 'routing.e2e.kafka', agents: agents.length, callsInSystem: inSystem, calls: totalCalls, offers, warmUpS: warmedAfterS, measuredS: measureS, arrivalsPerSecond: rate,
    offered: summary(offerLatencies), waited: summary(waitLatencies), loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
    note: 'latency = decision consumed from ledger.interactions − append of the input that caused it (agent AVAILABLE → OFFER; QueueEntered → WAIT), through sequencer + routing on Kafka',
  });
}

if (!gc) process.stderr.write('note: run with --expose-gc (npm run bench:routing does) for the memory figure\n');
benchCompute();
if (process.env.ROUTING_BENCH_SKIP_KAFKA !== '1') await benchKafka();
