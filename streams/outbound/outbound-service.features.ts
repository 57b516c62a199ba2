// The outbound pipeline on a real log (the embedded log on PostgreSQL, or the Kafka broker and
// registry): campaign, contact and agent events go through the real sequencer onto
// ledger.outbound.inputs, the dialer dials at a tick, the dial's answer makes it write the call
// into ledger.interactions, and the agent's answer of that call comes back through the
// sequencer: the whole loop, with snapshots in PostgreSQL. Run by outbound-service.int.spec.ts
// (embedded) and outbound-service-kafka.int.spec.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { EmbeddedLog } from '../../log/embedded/embedded-log.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { KafkaLog } from '../../log/kafka/kafka-log.ts';
import { kafkaTestBrokers } from '../../log/kafka/kafka-test-env.ts';
import type { LedgerLog } from '../../log/port.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import { ConfluentSchemaRegistry } from '../../schemas/registry/confluent-registry.ts';
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { PostgresSnapshotStore } from '../runtime/snapshot-store.ts';
import type { CampaignRun, DialerState } from './dialer.decider.ts';
import { outboundInputsTopic } from './outbound.processor.ts';
import { outboundTopics, startOutboundService, type OutboundService } from './outbound-service.ts';

const t0 = Date.UTC(2026, 0, 5, 2, 0, 0); // Monday 10:00 in Shanghai
const campaignId = `it-${randomBytes(3).toString('hex')}`;

function event<T extends LedgerEventType>(type: T, seconds: number, data: LedgerEventMap[T], interactionId: string | null = null, dataSubject: string | null = null): AnyLedgerEvent {
  const at = t0 + seconds * 1000;
  return {
    type, data,
    metadata: { eventId: randomUUID(), eventType: type, occurredAt: at, recordedAt: at, sourceSystem: 'new', interactionId, correlationId: null, causationId: null, producer: { component: 'test', version: '1' }, dataSubject },
  } as AnyLedgerEvent;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type LogKind = 'embedded' | 'kafka';

const registryUrl = process.env.LEDGER_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export function defineOutboundPipelineSpecs(kind: LogKind): void {
  describe(`outbound pipeline (${kind} log, real PostgreSQL)`, function () {
    this.timeout(120_000);
    const suffix = randomBytes(4).toString('hex');
    const schema = `outbound_it_${suffix}`;
    const topic = (name: string): string => `${name}.${suffix}`;
    let pool: pg.Pool;
    let log: LedgerLog;
    let codec: EventCodec;
    let service: OutboundService;

    const append = async (...events: AnyLedgerEvent[]): Promise<void> => {
      await log.append(await Promise.all(events.map(async (e) => ({ topic: topic(codec.catalogue.get(e.type).topic), key: codec.keyOf(e), value: await codec.encode(e) }))));
    };
    const campaign = (): CampaignRun | undefined => {
      for (let partition = 0; partition < 3; partition++) {
        const run = (service.dialer.state(topic(outboundInputsTopic), partition) as Map<string, DialerState> | undefined)?.get('sh')?.campaigns.get(campaignId);
        if (run) return run;
      }
      return undefined;
    };

    before(async () => {
      pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
      if (kind === 'embedded') {
        log = await EmbeddedLog.open({ connectionString: testDatabaseUrl(), schema, sessionTimeoutMs: 3000, heartbeatMs: 300, pollMs: 100, defaultPartitions: 3 });
        codec = new EventCodec({ catalogue: catalogue(), registry: new EmbeddedSchemaRegistry(pool, schema) });
      } else {
        log = await KafkaLog.open({ brokers: kafkaTestBrokers(), clientId: `outbound-it-${suffix}`, defaultPartitions: 3, replicationFactor: 1, logger: quiet, connectDeadlineMs: 15_000, sessionTimeoutMs: 6000 });
        codec = new EventCodec({ catalogue: catalogue(), registry: new ConfluentSchemaRegistry(registryUrl) });
      }
      await log.createTopics(outboundTopics(topic, 3));
      service = await startOutboundService({ log, codec, snapshots: new PostgresSnapshotStore(pool, schema), sites: ['sh'], snapshotEvery: 3, topicName: topic });
    });

    after(async () => {
      await service?.stop();
      await log?.close();
      await pool?.query(`drop schema if exists "${schema}" cascade`);
      await pool?.end();
    });

    it('dials at a tick, puts the answered call into routing and hears the agent answer it', async () => {
      const config = {
        campaignId, version: 1, name: 'it', purpose: 'PAYMENT_REMINDER', script: 's', dialMode: 'PROGRESSIVE', site: 'sh', queueId: 'outbound', agentGroup: 'collections',
        abandonCap: { rate: 0.03 }, callingWindows: { defaultUtcOffsetMinutes: 480, weekly: [{ days: [1, 2, 3, 4, 5], open: '09:00', close: '20:00' }] },
        maxAttempts: 3, retryAfterMinutes: { NO_ANSWER: 60, BUSY: 15, VOICEMAIL: 120 },
      };
      await append(
        event('CampaignStarted', 0, { campaignId, campaignVersion: 1, name: 'it', purpose: 'PAYMENT_REMINDER', dialMode: 'PROGRESSIVE', config: JSON.stringify(config), maxDropRate: 0.03, startedBy: 'test' }),
        event('ContactScheduled', 0, { campaignId, contactId: 'K1', customerId: 'C-1', phoneNumber: '+8613900000001', dueAt: t0, expiresAt: null, priority: 5, maxAttempts: 3, amountDue: null, utcOffsetMinutes: null }, null, 'customer:C-1'),
        event('AgentLoggedIn', 0, { agentId: 'ag-1', skills: [], teams: ['collections'], site: 'sh', cohort: null, station: null, supervisorId: null }),
        event('AgentStateChanged', 1, { agentId: 'ag-1', state: 'AVAILABLE', previousState: 'UNKNOWN', reasonCode: null, interactionId: null }),
      );
      await until('the sequenced inputs', () => (service.dialer.stats.processed >= 4 ? true : undefined));
      await log.append([{ topic: topic(outboundInputsTopic), key: 'sh', value: await codec.encode(event('RoutingClockTicked', 2, { site: 'sh', now: t0 + 2000, sequence: 1 })) }]);
      const attempt = await until('a dial', () => [...(campaign()?.inFlight.values() ?? [])][0]);
      expect(attempt).to.include({ attemptId: 'K1#1', contactId: 'K1' });

      await append(event('DialResult', 9, { campaignId, contactId: 'K1', attemptId: 'K1#1', result: 'ANSWERED', ringMs: 7000, agentId: null, interactionId: attempt.interactionId, sipCause: null }));
      await until('the call waiting for an agent', () => (campaign()?.connected.has(attempt.interactionId) ? true : undefined));
      // The answer reaches the dialer only through the sequencer, which learnt the call from the dialer's own InteractionStarted.
      await until('the sequencer to know the call', () => (service.sequencer.stats.processed >= 6 ? true : undefined));
      await append(event('InteractionAnswered', 10, { agentId: 'ag-1', offerId: null, queueId: 'outbound', queueWaitMs: 1000, ringMs: null }, attempt.interactionId));
      const reached = await until('the contact reached', () => (campaign()?.totals.reached === 1 ? campaign() : undefined));
      expect(reached.totals).to.deep.equal({ attempts: 1, connects: 1, drops: 0, reached: 1 });
      expect(reached.contacts.get('K1')).to.include({ status: 'DONE', outcome: 'REACHED' });
      expect(service.dialer.stats.deadLettered + service.sequencer.stats.deadLettered).to.equal(0);
    });
  });
}
