// End to end on both log adapters: events appended to the log, the call processors (risk; QA and
// summaries) running on their consumer groups, decisions read back from the log. A voiceprint mismatch then a
// transfer request yields a block and a step-up request, from that one input record, committed
// with its checkpoint (one processing cycle). The Kafka variant needs the broker and registry
// that CI starts; it fails with a clear message when they are not there.
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { catalogue as loadCatalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { MasterKey } from '../../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import { PostgresDataKeyStore } from '../../schemas/pii/postgres-data-key-store.ts';
import { ConfluentSchemaRegistry } from '../../schemas/registry/confluent-registry.ts';
import type { SchemaRegistry } from '../../schemas/registry/schema-registry.ts';
import { EmbeddedLog } from '../../log/embedded/embedded-log.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { KafkaLog } from '../../log/kafka/kafka-log.ts';
import { pinoSink } from '../../log/kafka/pino-sink.ts';
import type { LedgerLog, Subscription } from '../../log/port.ts';
import { readConfig } from '../../platform/config.ts';
import { CallBuilder } from '../../test/support/call-builder.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { callProcessorKinds, startCallProcessor, type CallProcessorTopics } from './call-processor.ts';

interface Adapter {
  readonly name: string;
  open(pool: pg.Pool, schema: string): Promise<{ log: LedgerLog; registry: SchemaRegistry }>;
}

const adapters: Adapter[] = [
  {
    name: 'embedded log (PostgreSQL)',
    async open(pool, schema) {
      const log = await EmbeddedLog.open({ connectionString: testDatabaseUrl(), schema, defaultPartitions: 3 });
      const table = new EmbeddedSchemaRegistry(pool, schema);
      return { log, registry: table };
    },
  },
  {
    name: 'Kafka log (Apache Kafka + registry)',
    async open() {
      const config = readConfig();
      let log: KafkaLog;
      try {
        log = await KafkaLog.open({
          brokers: config.kafkaBrokers, clientId: 'risk-e2e', defaultPartitions: 3, replicationFactor: 1, logger: pinoSink('error'), connectDeadlineMs: 20_000, sessionTimeoutMs: 10_000,
        });
      } catch (error) {
        throw new Error(`Kafka broker not reachable at ${config.kafkaBrokers.join(',')} (${(error as Error).message}): start it with 'scripts/kafka.sh up' (CI starts it)`, { cause: error });
      }
      try {
        const response = await fetch(`${config.registryUrl}/subjects`);
        if (!response.ok) throw new Error(`answered ${response.status}`);
      } catch (error) {
        await log.close();
        throw new Error(`schema registry not reachable at ${config.registryUrl} (${(error as Error).message}): start it with 'scripts/registry.sh up' (CI starts it)`, { cause: error });
      }
      return { log, registry: new ConfluentSchemaRegistry(config.registryUrl) };
    },
  },
];

async function waitFor(log: LedgerLog, codec: EventCodec, protector: PersonalDataProtector, topic: string, done: (events: AnyLedgerEvent[]) => boolean): Promise<AnyLedgerEvent[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const events: AnyLedgerEvent[] = [];
    for await (const batch of log.readRange({ topic })) {
      for (const record of batch) {
        const decoded = await codec.decode(record.value);
        events.push((await protector.reveal(codec.catalogue.get(decoded.type), decoded)) as unknown as AnyLedgerEvent);
      }
    }
    if (done(events)) return events;
    if (Date.now() > deadline) throw new Error(`timed out; seen: ${events.map((e) => e.type).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

for (const adapter of adapters) {
  describe(`risk and QA processors on the ${adapter.name}`, function () {
    this.timeout(120_000);
    const schema = `t_risk_${randomBytes(4).toString('hex')}`;
    const topics: CallProcessorTopics = { interactions: `risk-e2e-ix-${randomUUID()}`, control: `risk-e2e-ctl-${randomUUID()}` };
    let pool: pg.Pool;
    let log: LedgerLog;
    let codec: EventCodec;
    let protector: PersonalDataProtector;
    const subscriptions: Subscription[] = [];

    before(async () => {
      pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 3 });
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      const opened = await adapter.open(pool, schema);
      log = opened.log;
      const keys = new PostgresDataKeyStore({ pool, masterKey: new MasterKey(randomBytes(32)), schema });
      await keys.migrate();
      protector = new PersonalDataProtector(keys);
      codec = new EventCodec({ catalogue: loadCatalogue(), registry: opened.registry, personalData: protector });
      await log.createTopics([{ topic: topics.interactions, partitions: 3 }, { topic: topics.control, partitions: 1 }]);
      for (const kind of callProcessorKinds) subscriptions.push(await startCallProcessor({ kind, log, codec, personalData: protector, group: `risk-e2e-${randomUUID()}`, topics, startFrom: 'earliest' }));
    });

    after(async () => {
      for (const subscription of subscriptions) await subscription.stop();
      await log?.close();
      await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool?.end();
    });

    const append = async (events: readonly AnyLedgerEvent[]) => {
      await log.append(await Promise.all(events.map(async (e) => ({ topic: topics.interactions, key: codec.keyOf(e), value: await codec.encode(e) }))));
    };

    it('blocks a transfer after a voiceprint mismatch and asks for step-up, from that one request', async () => {
      const call = new CallBuilder({ interactionId: `ix-${randomUUID()}`, dataSubject: 'customer:C-E2E-1' });
      const mismatch = call.voiceprint('MISMATCH');
      const request = call.operation('op-e2e-1', 'FUNDS_TRANSFER', 20_000);
      await append([mismatch, request]);
      const events = await waitFor(log, codec, protector, topics.interactions, (all) => all.some((e) => e.type === 'StepUpAuthenticationRequested'));
      const caused = events.filter((e) => e.metadata.causationId === request.metadata.eventId);
      expect(caused.map((e) => e.type)).to.deep.equal(['SensitiveOperationBlocked', 'StepUpAuthenticationRequested']);
      expect(caused[0].data).to.deep.include({ operationId: 'op-e2e-1', reason: 'voiceprint MISMATCH', ruleId: 'risk.voiceprint-gate', ruleVersion: 1, requiredAuth: 'OTP' });
      expect(caused[1].data).to.deep.include({ challengeId: 'op-e2e-1:step-up:1', method: 'OTP', ruleVersion: 1 });
      expect(events.some((e) => e.type === 'RiskAlertRaised' && e.metadata.causationId === mismatch.metadata.eventId)).to.equal(true);
    });

    it('raises a fraud-word alert whose evidence (personal) is encrypted in the log and readable by an authorised reader', async () => {
      const call = new CallBuilder({ interactionId: `ix-${randomUUID()}`, dataSubject: 'customer:C-E2E-2' });
      const segment = call.customer('对方说我涉嫌洗钱，要把钱转到安全账户');
      await append([segment]);
      const events = await waitFor(log, codec, protector, topics.interactions, (all) => all.some((e) => e.type === 'RiskAlertRaised' && e.metadata.causationId === segment.metadata.eventId));
      const alerts = events.filter((e) => e.type === 'RiskAlertRaised' && e.metadata.causationId === segment.metadata.eventId);
      expect(alerts.map((a) => a.type === 'RiskAlertRaised' && a.data.ruleId)).to.have.members(['fraud.safe-account', 'fraud.authority-impersonation', 'fraud.coached-transfer']);
      const evidence = alerts.flatMap((a) => (a.type === 'RiskAlertRaised' ? a.data.evidence : []));
      expect(evidence.map((e) => e.matchedText)).to.include('安全账户');
      const raw: Buffer[] = [];
      for await (const batch of log.readRange({ topic: topics.interactions })) raw.push(...batch.map((r) => r.value));
      // Rule terms are not personal (EvidenceSpan.term); what the customer said is.
      expect(raw.some((bytes) => bytes.includes(Buffer.from('要把钱转到')))).to.equal(false);
    });
  });
}
