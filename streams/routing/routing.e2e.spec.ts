// The routing pipeline end to end on both log adapters: simulated agents and calls into the
// source topics, the sequencer and the routing processor in a child process, decisions out. The
// child is killed (SIGKILL) in the middle of a batch and started again; the decisions in the log
// must then be exactly those a pure replay of the sequenced input gives: none missing, byte for
// byte, and none with an effect twice. Both processors write at-least-once (on Kafka a batch
// appended before the kill but not yet checkpointed is appended again after it): a repeat must
// be the same bytes and be recognised as a repeat by its source position, as every consumer
// recognises it (streams/runtime/source-position.ts). Kafka: runs against the broker CI
// starts, and fails loudly when there is none.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import { waitFor } from '../../log/contract/contract-support.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { openLog } from '../../log/open-log.ts';
import type { AppendRecord, LedgerLog, LogRecord } from '../../log/port.ts';
import { deadLetterHeaders } from '../../log/runtime/dead-letter.ts';
import { readConfig } from '../../platform/config.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec, type EncodableEvent } from '../../schemas/codec/event-codec.ts';
import type { LedgerEventMap } from '../../schemas/generated/events.ts';
import { ConfluentSchemaRegistry } from '../../schemas/registry/confluent-registry.ts';
import type { SchemaRegistry } from '../../schemas/registry/schema-registry.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { outputRecords } from '../runtime/run-processor.ts';
import { SourceMarks } from '../runtime/source-position.ts';
import { routingComponent } from './routing.decider.ts';
import { routingInputsTopic, routingProcessor, type RoutingSites } from './routing.processor.ts';
import type { RoutingPolicyDocument } from './routing-policy.ts';
import { routingTopics } from './routing-service.ts';
import { startRoutingTicker } from './routing-ticker.ts';

const childScript = fileURLToPath(new URL('./routing-processor-child.ts', import.meta.url));
const databaseUrl = testDatabaseUrl();
const kafkaBrokers = (process.env.LEDGER_KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const registryUrl = process.env.LEDGER_REGISTRY_URL || 'http://127.0.0.1:8081/apis/ccompat/v7';

const policy: RoutingPolicyDocument = {
  ringTimeoutSeconds: 15,
  ringNoAnswer: { agentState: 'BREAK', reasonCode: 'ring-no-answer' },
  vip: { relationshipAgentWaitSeconds: 20, queueId: 'vip' },
  queues: [
    { id: 'cards', requiredSkills: [{ skill: 'cards', minProficiency: 3 }], overflow: [{ afterSeconds: 45, queueId: 'general' }] },
    { id: 'general', requiredSkills: [], strategy: 'fewest-calls' },
    { id: 'vip', requiredSkills: [{ skill: 'wealth', minProficiency: 5 }] },
  ],
};

interface Harness {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly pool: pg.Pool;
  readonly topic: (name: string) => string;
  readonly childEnv: Record<string, string>;
  close(): Promise<void>;
}

async function openHarness(adapter: 'embedded' | 'kafka'): Promise<Harness> {
  const schema = `routing_e2e_${randomBytes(4).toString('hex')}`;
  const namespace = adapter === 'kafka' ? `e2e-${randomBytes(4).toString('hex')}.` : '';
  const env: Record<string, string> = {
    LEDGER_LOG: adapter, LEDGER_DATABASE_URL: databaseUrl, LEDGER_DB_SCHEMA: schema, LEDGER_KAFKA_BROKERS: kafkaBrokers.join(','),
    LEDGER_REGISTRY_URL: registryUrl, LEDGER_LOG_LEVEL: 'error', ROUTING_NAMESPACE: namespace,
    // Kafka brokers refuse session timeouts under group.min.session.timeout.ms (6 s by default).
    ROUTING_SESSION_TIMEOUT_MS: adapter === 'kafka' ? '6000' : '3000',
  };
  const config = readConfig({ ...process.env, ...env });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  await pool.query(`create schema if not exists "${schema}"`);
  let log: LedgerLog;
  try {
    log = await openLog(config, { embedded: { sessionTimeoutMs: 3000, heartbeatMs: 300 }, kafka: { connectDeadlineMs: 10_000, sessionTimeoutMs: 6000 } });
  } catch (error) {
    await pool.end();
    if (adapter === 'kafka') {
      throw new Error(`Kafka end-to-end: no broker reachable at ${kafkaBrokers.join(',')} (${(error as Error).message}). Start one with scripts/kafka.sh up (CI starts it); this suite does not skip.`, { cause: error });
    }
    throw error;
  }
  let registry: SchemaRegistry;
  if (adapter === 'kafka') registry = new ConfluentSchemaRegistry(registryUrl);
  else {
    const table = new EmbeddedSchemaRegistry(pool, schema);
    registry = table;
  }
  const codec = new EventCodec({ catalogue: catalogue(), registry });
  const topic = (name: string): string => `${namespace}${name}`;
  await log.createTopics(routingTopics(topic, 3));
  return {
    log, codec, pool, topic, childEnv: env,
    async close() {
      await log.close();
      await pool.query(`drop schema if exists "${schema}" cascade`);
      await pool.end();
    },
  };
}

/** A simulated day in miniature: agents log in, calls start and queue, time passes, a few callers give up. */
function scenario(): { events: EncodableEvent[]; badOnes: number } {
  const t0 = Date.UTC(2026, 0, 5, 2, 0, 0);
  let clock = t0;
  let id = 0;
  const events: EncodableEvent[] = [];
  const add = <T extends keyof LedgerEventMap>(type: T, data: LedgerEventMap[T], interactionId: string | null = null, advanceMs = 200): void => {
    clock += advanceMs;
    const eventId = `00000000-0000-4000-8000-${(++id).toString(16).padStart(12, '0')}`;
    events.push({ type, metadata: { eventId, eventType: type, occurredAt: clock, recordedAt: clock, sourceSystem: 'simulator', interactionId, correlationId: null, causationId: null, producer: { component: 'simulator', version: '1' }, dataSubject: null }, data });
  };
  const text = JSON.stringify(policy);
  add('RoutingPolicyPublished', { policyId: 'routing', version: 1, document: text, documentSha256: 'x', publishedBy: 'ops', effectiveFrom: t0, changeNote: null });
  for (let a = 0; a < 16; a++) {
    const site = a < 12 ? 'sh' : 'bj';
    const agentId = `agent-${a}`;
    add('AgentLoggedIn', { agentId, skills: [{ skill: 'cards', proficiency: 2 + (a % 8) }, { skill: 'wealth', proficiency: a % 3 === 0 ? 8 : 1 }], teams: [], site, cohort: null, station: null, supervisorId: null });
    if (a % 4 !== 3) add('AgentStateChanged', { agentId, state: 'AVAILABLE', previousState: null, reasonCode: null, interactionId: null });
  }
  for (let c = 0; c < 120; c++) {
    const interactionId = `call-${c}`;
    const site = c % 5 === 4 ? 'bj' : 'sh';
    add('InteractionStarted', { interactionId, channel: 'VOICE', direction: 'INBOUND', callerNumber: null, dialledNumber: '95555', site, previousInteractionId: null, campaignId: null, contactId: null, externalCallId: null }, interactionId);
    const vip = c % 11 === 0;
    if (vip) add('CustomerIdentified', { customerId: `cust-${c}`, method: 'CALLER_NUMBER', tier: 'VIP', relationshipAgentId: 'agent-0', customerName: null, preferredLanguage: null }, interactionId);
    add('QueueEntered', { visitId: `${interactionId}-v1`, queueId: c % 3 === 0 ? 'general' : 'cards', tier: vip ? 'VIP' : c % 4 === 0 ? 'PRIORITY' : 'STANDARD', priority: 0, requiredSkills: [], position: 1, expectedWaitMs: null, intent: null }, interactionId, 1500);
    if (c % 7 === 6) add('InteractionAbandoned', { stage: 'QUEUE', waitedMs: 1000, visitId: `${interactionId}-v1`, queueId: null, position: null, ivrNodeId: null }, `call-${c - 3}`);
    if (c % 9 === 8) add('AgentStateChanged', { agentId: `agent-${c % 16}`, state: 'AVAILABLE', previousState: null, reasonCode: null, interactionId: null });
  }
  // Bad input: an agent who never logged in, a queue entry of a call that never started, an invalid policy.
  add('AgentStateChanged', { agentId: 'ghost', state: 'AVAILABLE', previousState: null, reasonCode: null, interactionId: null });
  add('QueueEntered', { visitId: 'nowhere-v1', queueId: 'cards', tier: 'STANDARD', priority: 0, requiredSkills: [], position: 1, expectedWaitMs: null, intent: null }, 'nowhere');
  add('RoutingPolicyPublished', { policyId: 'routing', version: 2, document: JSON.stringify({ queues: [{ id: 'q', requiredSkills: 'cards' }] }), documentSha256: 'x', publishedBy: 'ops', effectiveFrom: clock, changeNote: null });
  return { events, badOnes: 3 };
}

async function appendEvents(harness: Harness, events: readonly EncodableEvent[]): Promise<void> {
  const records: AppendRecord[] = [];
  for (const event of events) {
    records.push({ topic: harness.topic(harness.codec.catalogue.get(event.type).topic), key: harness.codec.keyOf(event), value: await harness.codec.encode(event), timestamp: event.metadata.occurredAt });
  }
  await harness.log.append(records);
}

interface Child {
  readonly process: ChildProcess;
  readonly lines: string[];
  waitForLine(prefix: string): Promise<string>;
}

function startChild(env: Record<string, string>): Child {
  const child = spawn(process.execPath, [childScript], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  return {
    process: child,
    lines,
    async waitForLine(prefix) {
      await waitFor(`the child to print '${prefix}'`, () => lines.some((l) => l.startsWith(prefix)) || child.exitCode !== null);
      const line = lines.find((l) => l.startsWith(prefix));
      if (!line) throw new Error(`the routing child exited (${child.exitCode}) before printing '${prefix}'`);
      return line;
    },
  };
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  await exited;
}

async function readTopic(log: LedgerLog, topic: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const batch of log.readRange({ topic })) records.push(...batch);
  return records;
}

/** What a pure replay of the sequenced input decides: event id → record, in input order. */
async function expectedDecisions(harness: Harness): Promise<Map<string, AppendRecord>> {
  const expected = new Map<string, AppendRecord>();
  const inputs = await readTopic(harness.log, harness.topic(routingInputsTopic));
  const byPartition = new Map<number, LogRecord[]>();
  for (const record of inputs) byPartition.set(record.partition, [...(byPartition.get(record.partition) ?? []), record]);
  for (const records of byPartition.values()) {
    const sites: RoutingSites = routingProcessor.initialState();
    const marks = new SourceMarks();
    for (const record of records.sort((a, b) => a.offset - b.offset)) {
      if (marks.seenBefore(record.headers)) continue; // the sequencer's repeat of a forward
      const event = await harness.codec.decode(record.value);
      const input = routingProcessor.accept(event);
      if (!input) continue;
      let outputs;
      try {
        outputs = routingProcessor.decide(input, sites, { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, timestamp: record.timestamp });
      } catch {
        continue;
      }
      for (const out of await outputRecords(harness.codec, routingComponent, routingProcessor.version, event, record, outputs, harness.topic)) {
        const decoded = await harness.codec.decode(out.value);
        expected.set(decoded.metadata.eventId, out);
      }
    }
  }
  return expected;
}

/**
 * The decisions in the log as a consumer sees them: `effective` are those it acts on (each
 * partition read in order, repeats dropped by source position), `repeats` those it drops.
 */
async function actualDecisions(harness: Harness): Promise<{ effective: string[]; byId: Map<string, LogRecord>; repeats: LogRecord[] }> {
  const effective: string[] = [];
  const byId = new Map<string, LogRecord>();
  const repeats: LogRecord[] = [];
  for (const topic of ['ledger.interactions', 'ledger.agents']) {
    const marks = new Map<number, SourceMarks>();
    for (const record of (await readTopic(harness.log, harness.topic(topic))).sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
      const event = await harness.codec.decode(record.value);
      if (event.metadata.producer.component !== routingComponent) continue;
      if (!marks.has(record.partition)) marks.set(record.partition, new SourceMarks());
      if (marks.get(record.partition)?.seenBefore(record.headers)) {
        repeats.push(record);
        continue;
      }
      effective.push(event.metadata.eventId);
      byId.set(event.metadata.eventId, record);
    }
  }
  return { effective, byId, repeats };
}

/** Committed checkpoint and end of every partition the pipeline reads. */
async function positions(harness: Harness): Promise<{ group: string; topic: string; partition: number; committed: number; high: number }[]> {
  const reads = [
    ...['ledger.interactions', 'ledger.agents', 'ledger.control'].map((t) => ({ group: harness.topic('streams.routing-sequencer'), topic: harness.topic(t) })),
    { group: harness.topic('streams.routing'), topic: harness.topic(routingInputsTopic) },
  ];
  const out: { group: string; topic: string; partition: number; committed: number; high: number }[] = [];
  for (const { group, topic } of reads) {
    const [description, committed] = await Promise.all([harness.log.describeTopic(topic), harness.log.groupOffsets(group, topic)]);
    for (const p of description.partitions) out.push({ group, topic, partition: p.partition, committed: committed.get(p.partition) ?? 0, high: p.high });
  }
  return out;
}

/**
 * Caught up: every checkpoint at the end of its partition and nothing moving for a few polls.
 * On Kafka a transactional write ends with a commit marker that takes an offset no consumer
 * sees, so a checkpoint one short of the end is the end.
 */
async function waitUntilCaughtUp(harness: Harness, slack: number): Promise<void> {
  let last = '';
  let stableFor = 0;
  let seen: Awaited<ReturnType<typeof positions>> = [];
  const giveUpAt = Date.now() + 180_000;
  while (stableFor < 3) {
    if (Date.now() > giveUpAt) throw new Error(`the routing pipeline did not catch up: ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 700));
    try {
      seen = await positions(harness);
    } catch {
      continue; // e.g. the group coordinator is moving: ask again
    }
    const now = JSON.stringify(seen);
    const atEnd = seen.every((p) => p.committed >= p.high - slack);
    stableFor = atEnd && now === last ? stableFor + 1 : 0;
    last = now;
  }
}

const progress = (what: string): void => {
  if (process.env.ROUTING_E2E_VERBOSE) process.stderr.write(`[routing e2e ${new Date().toISOString()}] ${what}\n`);
};

for (const adapter of ['embedded', 'kafka'] as const) {
  describe(`routing pipeline on the ${adapter} log`, function () {
    this.timeout(240_000);
    let harness: Harness;
    const children: Child[] = [];

    before(async function () {
      harness = await openHarness(adapter);
    });

    after(async function () {
      for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await harness?.close();
    });

    it('decides every sequenced input with one effect, byte for byte as a replay, when the processor is killed mid-batch and restarted', async function () {
      const { events, badOnes } = scenario();
      await appendEvents(harness, events);
      let clock = events[events.length - 1].metadata.occurredAt;
      const ticker = startRoutingTicker({ log: harness.log, codec: harness.codec, sites: ['sh', 'bj'], now: () => (clock += 5000), autoStart: false, topic: harness.topic(routingInputsTopic) });

      const env = { ...harness.childEnv, ROUTING_SITES: 'sh,bj', ROUTING_SNAPSHOT_EVERY: '25' };
      const first = startChild({ ...env, ROUTING_STALL_AFTER: '90' });
      children.push(first);
      await first.waitForLine('stalled');
      progress('first child stalled mid-batch: SIGKILL');
      first.process.kill('SIGKILL');
      await new Promise((resolve) => first.process.once('exit', resolve));

      // Time moves on while it is down: ring-no-answer and overflow timers fall due on restart.
      for (let i = 0; i < 12; i++) await ticker.tick();
      const second = startChild(env);
      children.push(second);
      await second.waitForLine('ready');
      progress('second child ready');
      await waitUntilCaughtUp(harness, adapter === 'kafka' ? 1 : 0);
      progress('caught up');
      await stopChild(second);
      const stats = JSON.parse((await second.waitForLine('stats')).slice('stats '.length)) as { routing: { restores: number; replayed: number; processed: number } };
      // The restarted processor rebuilt its state from a snapshot and the log between it and the checkpoint.
      expect(stats.routing.restores).to.be.greaterThan(0);
      expect(stats.routing.processed).to.be.greaterThan(0);

      const expected = await expectedDecisions(harness);
      const actual = await actualDecisions(harness);
      expect(new Set(actual.effective).size, 'decisions with an effect twice').to.equal(actual.effective.length);
      for (const repeat of actual.repeats) {
        const id = (await harness.codec.decode(repeat.value)).metadata.eventId;
        expect(actual.byId.get(id)?.value.equals(repeat.value), `repeat of ${id}: same bytes as the original`).to.equal(true);
      }
      progress(`${actual.repeats.length} decisions appended twice (dropped by position)`);
      expect([...actual.byId.keys()].sort(), 'decision ids').to.deep.equal([...expected.keys()].sort());
      for (const [id, record] of expected) expect(actual.byId.get(id)?.value.equals(record.value), `decision ${id} bytes`).to.equal(true);
      expect(expected.size, 'decisions made').to.be.greaterThan(150);

      const deadLetterMarks = new Map<number, SourceMarks>();
      const deadLetters = (await readTopic(harness.log, harness.topic('ledger.deadletter'))).filter((record) => {
        if (!deadLetterMarks.has(record.partition)) deadLetterMarks.set(record.partition, new SourceMarks());
        return !deadLetterMarks.get(record.partition)?.seenBefore(record.headers);
      });
      const reasons = deadLetters.map((r) => r.headers[deadLetterHeaders.reason]);
      expect(reasons.filter((r) => /agent 'ghost' has not logged in at any site \[unknown-agent\]/.test(r))).to.have.length(1);
      expect(reasons.filter((r) => /interaction 'nowhere' \[unknown-interaction\]/.test(r))).to.have.length(1);
      // The invalid policy goes to both sites and is refused at each, naming field and rule.
      expect(reasons.filter((r) => /routing policy routing v2 refused: queues\.0\.requiredSkills: must be array \[type\]/.test(r))).to.have.length(2);
      expect(deadLetters.length).to.equal(badOnes + 1);
    });
  });
}
