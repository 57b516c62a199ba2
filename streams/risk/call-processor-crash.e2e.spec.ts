// The call processors (risk; QA and summaries) survive a crash in the middle of a call, on both
// log adapters. They run in a child process (call-processor-child.ts) with PostgreSQL snapshots
// every few records; the test lets it decide a voiceprint MISMATCH, kills it with SIGKILL before the
// transfer request arrives, starts it again, and appends the request: the transfer is still
// blocked for the MISMATCH (not for a voiceprint the restarted process never saw) and step-up
// is requested. Afterwards every decision in the log must be exactly what a pure replay of the
// partition's records through each processor's deciders gives: same ids, same content, none missing, none
// with an effect twice. Risk writes at-least-once (on Kafka, decisions appended before the kill but
// not yet checkpointed are appended again after it): a repeat must carry the same bytes and be
// recognised by its source position, as every consumer recognises it (streams/runtime/source-position.ts).
// Kafka: runs against the broker and registry CI starts, and fails loudly without.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import { waitFor } from '../../log/contract/contract-support.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { openLog } from '../../log/open-log.ts';
import type { LedgerLog, LogRecord } from '../../log/port.ts';
import { readConfig } from '../../platform/config.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { MasterKey } from '../../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import { PostgresDataKeyStore } from '../../schemas/pii/postgres-data-key-store.ts';
import { ConfluentSchemaRegistry } from '../../schemas/registry/confluent-registry.ts';
import type { SchemaRegistry } from '../../schemas/registry/schema-registry.ts';
import { CallBuilder } from '../../test/support/call-builder.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { qaComponent } from '../qa/qa.decider.ts';
import { decisionEvent } from '../runtime/run-processor.ts';
import { SourceMarks } from '../runtime/source-position.ts';
import { summaryComponent } from '../summary/summary.decider.ts';
import { callProcessorReplays, callProcessorVersion, decideCall, riskProcessor } from './call-processor.ts';
import { riskComponent } from './risk.decider.ts';

const childScript = fileURLToPath(new URL('./call-processor-child.ts', import.meta.url));
const databaseUrl = testDatabaseUrl();
const kafkaBrokers = (process.env.LEDGER_KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const registryUrl = process.env.LEDGER_REGISTRY_URL || 'http://127.0.0.1:8081/apis/ccompat/v7';
const ourComponents = new Set([riskComponent, qaComponent, summaryComponent]);

interface Harness {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly personalData: PersonalDataProtector;
  readonly topic: (name: string) => string;
  readonly childEnv: Record<string, string>;
  close(): Promise<void>;
}

async function openHarness(adapter: 'embedded' | 'kafka'): Promise<Harness> {
  const schema = `risk_crash_${randomBytes(4).toString('hex')}`;
  const namespace = adapter === 'kafka' ? `risk-crash-${randomBytes(4).toString('hex')}.` : '';
  const masterKey = randomBytes(32).toString('base64');
  const env: Record<string, string> = {
    LEDGER_LOG: adapter, LEDGER_DATABASE_URL: databaseUrl, LEDGER_DB_SCHEMA: schema, LEDGER_KAFKA_BROKERS: kafkaBrokers.join(','),
    LEDGER_REGISTRY_URL: registryUrl, LEDGER_LOG_LEVEL: 'error', LEDGER_MASTER_KEY: masterKey, CALL_NAMESPACE: namespace,
    CALL_GROUP_PREFIX: `risk-crash-${randomUUID()}.`, CALL_SNAPSHOT_EVERY: '3',
    // Kafka brokers refuse session timeouts under group.min.session.timeout.ms (6 s by default).
    CALL_SESSION_TIMEOUT_MS: adapter === 'kafka' ? '6000' : '3000',
  };
  const config = readConfig({ ...process.env, ...env });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  await pool.query(`create schema if not exists "${schema}"`);
  let log: LedgerLog;
  try {
    log = await openLog(config, { embedded: { sessionTimeoutMs: 3000, heartbeatMs: 300 }, kafka: { connectDeadlineMs: 10_000, sessionTimeoutMs: 6000 } });
  } catch (error) {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
    if (adapter === 'kafka') {
      throw new Error(`Kafka end-to-end: no broker reachable at ${kafkaBrokers.join(',')} (${(error as Error).message}). Start one with scripts/kafka.sh up (CI starts it); this suite does not skip.`, { cause: error });
    }
    throw error;
  }
  let registry: SchemaRegistry;
  if (adapter === 'kafka') {
    try {
      const response = await fetch(`${registryUrl}/subjects`);
      if (!response.ok) throw new Error(`answered ${response.status}`);
    } catch (error) {
      await log.close();
      await pool.query(`drop schema if exists "${schema}" cascade`);
      await pool.end();
      throw new Error(`Kafka end-to-end: schema registry not reachable at ${registryUrl} (${(error as Error).message}). Start it with scripts/registry.sh up (CI starts it); this suite does not skip.`, { cause: error });
    }
    registry = new ConfluentSchemaRegistry(registryUrl);
  } else {
    const table = new EmbeddedSchemaRegistry(pool, schema);
    registry = table;
  }
  const keys = new PostgresDataKeyStore({ pool, masterKey: MasterKey.fromBase64(masterKey), schema });
  await keys.migrate();
  const personalData = new PersonalDataProtector(keys);
  const codec = new EventCodec({ catalogue: catalogue(), registry, personalData });
  const topic = (name: string): string => `${namespace}${name}`;
  await log.createTopics([
    { topic: topic('ledger.interactions'), partitions: 3 }, { topic: topic('ledger.control'), partitions: 1 }, { topic: topic('ledger.deadletter'), partitions: 1 },
  ]);
  return {
    log, codec, personalData, topic, childEnv: env,
    async close() {
      await log.close();
      await pool.query(`drop schema if exists "${schema}" cascade`);
      await pool.end();
    },
  };
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
      if (!line) throw new Error(`the call processors' child exited (${child.exitCode}) before printing '${prefix}'`);
      return line;
    },
  };
}

async function kill(child: Child, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill(signal);
  await exited;
}

interface Read {
  readonly record: LogRecord;
  readonly event: AnyLedgerEvent;
}

async function readInteractions(harness: Harness): Promise<Read[]> {
  const out: Read[] = [];
  for await (const batch of harness.log.readRange({ topic: harness.topic('ledger.interactions') })) {
    for (const record of batch) {
      const decoded = await harness.codec.decode(record.value);
      out.push({ record, event: (await harness.personalData.reveal(harness.codec.catalogue.get(decoded.type), decoded)) as unknown as AnyLedgerEvent });
    }
  }
  return out;
}

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

const isOurs = (event: AnyLedgerEvent): boolean => ourComponents.has(event.metadata.producer.component);

/** The records a consumer acts on: each partition in offset order, repeats dropped by source position. */
function withoutRepeats(read: readonly Read[]): { kept: Read[]; repeats: Read[] } {
  const marks = new Map<number, SourceMarks>();
  const kept: Read[] = [];
  const repeats: Read[] = [];
  for (const r of [...read].sort((a, b) => a.record.partition - b.record.partition || a.record.offset - b.record.offset)) {
    if (!marks.has(r.record.partition)) marks.set(r.record.partition, new SourceMarks());
    (marks.get(r.record.partition)?.seenBefore(r.record.headers) ? repeats : kept).push(r);
  }
  return { kept, repeats };
}

/** A pure replay: every partition's records in offset order (repeats dropped) through each processor's fresh deciders, decisions as events by id. */
function pureReplay(read: readonly Read[]): Map<string, AnyLedgerEvent> {
  const expected = new Map<string, AnyLedgerEvent>();
  const partitions = new Map<number, Read[]>();
  for (const r of read) partitions.set(r.record.partition, [...(partitions.get(r.record.partition) ?? []), r]);
  for (const { kind, reactors, shared } of callProcessorReplays()) {
    for (const records of partitions.values()) {
      const state = reactors.map(({ reactor }) => reactor.initialState());
      for (const { event } of [...records].sort((a, b) => a.record.offset - b.record.offset)) {
        decideCall(reactors, shared, state, event).forEach((decision, index) => {
          const out = decisionEvent(kind.component, callProcessorVersion, event, decision, index) as unknown as AnyLedgerEvent;
          expected.set(out.metadata.eventId, out);
        });
      }
    }
  }
  return expected;
}

for (const adapter of ['embedded', 'kafka'] as const) {
  describe(`call processors (risk; QA and summaries) crash and restore on the ${adapter === 'kafka' ? 'Kafka log (Apache Kafka + registry)' : 'embedded log (PostgreSQL)'}`, function () {
    this.timeout(180_000);
    let harness: Harness | undefined;
    const children: Child[] = [];

    before(async () => {
      harness = await openHarness(adapter);
    });

    after(async () => {
      for (const child of children) await kill(child, 'SIGKILL');
      await harness?.close();
    });

    it('keeps a call\'s voiceprint MISMATCH across a SIGKILL: the transfer after the restart is blocked and step-up requested, and the log equals a pure replay', async () => {
      const h = harness!;
      const append = async (events: readonly AnyLedgerEvent[]): Promise<void> => {
        await h.log.append(await Promise.all(events.map(async (e) => ({ topic: h.topic('ledger.interactions'), key: h.codec.keyOf(e), value: await h.codec.encode(e), timestamp: e.metadata.occurredAt }))));
      };
      const call = new CallBuilder({ interactionId: `ix-crash-${randomUUID()}`, dataSubject: `customer:C-CRASH-${randomBytes(2).toString('hex')}` });
      const other = new CallBuilder({ interactionId: `ix-other-${randomUUID()}`, dataSubject: 'customer:C-OTHER' });
      const before = [
        call.ivr('transfer'), call.answered(), call.agent('您好，很高兴为您服务，请问有什么可以帮您？'), other.ivr('card loss'), other.answered(),
        call.customer('我想给我儿子转账两万元'), other.customer('我的卡丢了，尾号是1234，昨天在地铁站丢的'), call.voiceprint('MISMATCH'),
        call.agent('好的，请稍等，我帮您查一下'), other.agent('好的，马上为您挂失'),
      ];
      const mismatch = before[7];

      let child = startChild(h.childEnv);
      children.push(child);
      await child.waitForLine('ready');
      await append(before);
      // The MISMATCH is decided and committed once its alert is in the log (decisions commit with the checkpoint).
      await waitFor('the MISMATCH alert', async () => (await readInteractions(h)).some((r) => r.event.type === 'RiskAlertRaised' && r.event.metadata.causationId === mismatch.metadata.eventId));
      await kill(child, 'SIGKILL');

      child = startChild(h.childEnv);
      children.push(child);
      await child.waitForLine('ready');
      const request = call.operation('op-crash-1', 'FUNDS_TRANSFER', 20_000);
      await append([request]);
      await waitFor('the decision on the transfer', async () => (await readInteractions(h)).some((r) => r.event.type === 'StepUpAuthenticationRequested' || (r.event.type === 'SensitiveOperationApproved' && r.event.metadata.causationId === request.metadata.eventId)));
      const ends = [call.end(), other.end()];
      await append(ends);
      await waitFor('both summaries', async () => (await readInteractions(h)).filter((r) => r.event.type === 'SummaryGenerated').length === 2);
      await kill(child, 'SIGTERM');
      const stats = (JSON.parse((await child.waitForLine('stats ')).slice('stats '.length)) as Record<string, { restores: number; replayed: number }>)[riskProcessor.name];

      const read = await readInteractions(h);
      const caused = read.filter((r) => r.event.metadata.causationId === request.metadata.eventId).map((r) => r.event);
      expect(caused.map((e) => e.type)).to.deep.equal(['SensitiveOperationBlocked', 'StepUpAuthenticationRequested']);
      expect(caused[0].data).to.deep.include({ operationId: 'op-crash-1', reason: 'voiceprint MISMATCH', ruleId: 'risk.voiceprint-gate', requiredAuth: 'OTP' });
      expect(caused[1].data).to.deep.include({ challengeId: 'op-crash-1:step-up:1', method: 'OTP' });
      expect(stats.restores).to.be.greaterThan(0);

      const { kept, repeats } = withoutRepeats(read);
      const outputs = kept.filter((r) => isOurs(r.event)).map((r) => r.event);
      const ids = outputs.map((e) => e.metadata.eventId);
      expect(new Set(ids).size, 'decisions with an effect twice').to.equal(ids.length);
      const originals = new Map(kept.map((r) => [r.event.metadata.eventId, r.record.value]));
      for (const repeat of repeats) expect(originals.get(repeat.event.metadata.eventId)?.equals(repeat.record.value), `repeat of ${repeat.event.type}: same bytes`).to.equal(true);
      const expected = pureReplay(kept);
      expect([...ids].sort()).to.deep.equal([...expected.keys()].sort());
      for (const output of outputs) {
        const replayed = expected.get(output.metadata.eventId)!;
        // Compared as JSON: an optional field the decider leaves undefined comes back from the log absent.
        expect(asJson({ type: output.type, data: output.data, causationId: output.metadata.causationId, occurredAt: output.metadata.occurredAt, producer: output.metadata.producer.component }))
          .to.deep.equal(asJson({ type: replayed.type, data: replayed.data, causationId: replayed.metadata.causationId, occurredAt: replayed.metadata.occurredAt, producer: replayed.metadata.producer.component }));
      }
      expect(outputs.some((e) => e.type === 'QaScoreComputed' && e.metadata.interactionId === call.interactionId)).to.equal(true);
    });
  });
}
