// The simulator as the telephony of a campaign on a real log — the embedded one (PostgreSQL), and
// Kafka with the registry when LEDGER_TEST_KAFKA=1 (topics of its own) — with the product's real
// outbound dialer (sequencer + dialer + ticker) and routing pipeline: the campaign
// is started with its events, the dialer dials the simulated customers, the simulator reports
// each dial's result, the dialer puts answered calls into routing, routing offers them to the
// simulated collections agents, who answer, talk and wrap up with the campaign's outcome. On the
// embedded log the outbound_campaigns read model is then rebuilt from the log and counts them.
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { waitFor } from '../../log/contract/contract-support.ts';
import { readConfig } from '../../platform/config.ts';
import { openLedger, type Ledger } from '../../platform/open-ledger.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import { campaignFigures } from '../../projections/outbound-campaigns/outbound-campaigns.queries.ts';
import { readModels } from '../../projections/read-models.ts';
import { openKnex } from '../../projections/runtime/open-knex.ts';
import { rebuild } from '../../projections/runtime/rebuild.ts';
import { ProjectionStore } from '../../projections/runtime/store.ts';
import { quoteIdent } from '../../projections/runtime/table-writer.ts';
import type { AnyLedgerEvent, LedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';
import { outboundTopics, startOutboundService, type OutboundService } from '../../streams/outbound/outbound-service.ts';
import { routingTopics, startRoutingService, type RoutingService } from '../../streams/routing/routing-service.ts';
import { PostgresSnapshotStore } from '../../streams/runtime/snapshot-store.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { loadScenario, type OutboundSpec, type Scenario } from './scenario.ts';
import { shippedScenarios } from './scenario-files.ts';
import { startSimulator, type RunningSimulator } from './simulator-runner.ts';

const bankDay = loadScenario(fileURLToPath(shippedScenarios['bank-day']));
const outcomes = { PROMISE_TO_PAY: 0.5, DISPUTE: 0.25, WRONG_NUMBER: 0.25 };
/** No inbound callers; two collections agents on duty around the clock; short calls; most dials answered. */
const campaignFloor: Scenario = {
  ...bankDay,
  arrivals: { scale: 1, curve: [{ at: '00:00', callsPerHour: 0 }] },
  shortService: { share: 0, maxSeconds: 10 },
  agents: {
    ...bankDay.agents, noAnswerShare: 0, ringDelaySeconds: { mean: 1, cv: 0 },
    groups: [{ prefix: 'SIM-COL', count: 2, skills: { collections: 5 }, teams: ['collections'], shift: { start: '00:00', end: '23:59' }, breaks: [] }],
  },
  outbound: {
    ...(bankDay.outbound as OutboundSpec), telephony: { answer: 0.6, busy: 0.2, voicemail: 0.1, failed: 0.1 },
    talkSeconds: { mean: 2, cv: 0 }, wrapUpSeconds: { mean: 1, cv: 0 }, outcomes,
  },
};

/** A UTC offset that puts the customers' local time near noon now, so the calling window is open whenever the spec runs. */
function noonOffsetMinutes(now: number): number {
  const utcMinutes = (now % 86_400_000) / 60_000;
  return Math.round((720 - utcMinutes) / 60) * 60;
}

const adapters: readonly ('embedded' | 'kafka')[] = process.env.LEDGER_TEST_KAFKA === '1' ? ['embedded', 'kafka'] : ['embedded'];

for (const adapter of adapters) describe(`simulator as the telephony of a campaign, with the real dialer and routing on the ${adapter} log`, function () {
  this.timeout(180_000);
  let ledger: Ledger;
  let routing: RoutingService;
  let dialer: OutboundService;
  let simulator: RunningSimulator | undefined;
  let knex: Knex | undefined;
  const prefix = `pq_ob_${randomBytes(4).toString('hex')}`;
  const schema = `sim_ob_${randomBytes(4).toString('hex')}`;
  const campaignId = `sim-it-${randomBytes(3).toString('hex')}`;
  const suffix = adapter === 'kafka' ? `.${randomBytes(4).toString('hex')}` : '';
  const topicName = (topic: string): string => `${topic}${suffix}`;

  before(async () => {
    const env = { LEDGER_LOG: adapter, LEDGER_DATABASE_URL: testDatabaseUrl(), LEDGER_DB_SCHEMA: schema, LEDGER_MASTER_KEY: randomBytes(32).toString('base64'), LEDGER_SIMULATOR: 'off', LEDGER_LOG_LEVEL: 'error' };
    ledger = await openLedger(readConfig({ ...process.env, ...env }));
    // One call per set: they overlap (topics already there are left as they are).
    await ledger.log.createTopics(ledgerTopics(ledger.config, ledger.codec.catalogue).map((spec) => ({ ...spec, topic: topicName(spec.topic) })));
    await ledger.log.createTopics(routingTopics(topicName, 3));
    await ledger.log.createTopics(outboundTopics(topicName, 3));
    await ledger.codec.registerAll();
    const snapshots = new PostgresSnapshotStore(ledger.pool, schema);
    routing = await startRoutingService({ log: ledger.log, codec: ledger.codec, snapshots, sites: ['sh'], topicName, ticks: { intervalMs: 500, now: Date.now } });
    dialer = await startOutboundService({ log: ledger.log, codec: ledger.codec, snapshots, sites: ['sh'], topicName, ticks: { intervalMs: 500, now: Date.now } });
  });

  after(async () => {
    await simulator?.stop();
    await dialer?.stop();
    await routing?.stop();
    if (knex) {
      const schemas = await knex.raw<{ rows: { nspname: string }[] }>('select nspname from pg_namespace where nspname like ?', [`${prefix}\\_%`]);
      for (const row of schemas.rows) await knex.raw(`drop schema if exists ${quoteIdent(row.nspname)} cascade`);
      await knex.destroy();
    }
    await ledger?.pool.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    await ledger?.close();
  });

  const append = async (...events: AnyLedgerEvent[]): Promise<void> => {
    await ledger.log.append(await Promise.all(events.map(async (e) => ({ topic: topicName(ledger.codec.catalogue.get(e.type).topic), key: ledger.codec.keyOf(e), value: await ledger.codec.encode(e) }))));
  };
  const event = <T extends LedgerEventType>(type: T, data: LedgerEventMap[T], dataSubject: string | null = null): AnyLedgerEvent => {
    const at = Date.now();
    return {
      type, data,
      metadata: { eventId: randomUUID(), eventType: type, occurredAt: at, recordedAt: at, sourceSystem: 'new', interactionId: null, correlationId: null, causationId: null, producer: { component: 'cli/campaign', version: '1' }, dataSubject },
    } as AnyLedgerEvent;
  };
  const readAll = async (topic: string): Promise<AnyLedgerEvent[]> => {
    const events: AnyLedgerEvent[] = [];
    for await (const batch of ledger.log.readRange({ topic: topicName(topic) })) for (const record of batch) events.push((await ledger.codec.decode(record.value)) as unknown as AnyLedgerEvent);
    return events;
  };

  it('dials the simulated customers, reports their results, and the agents wrap up the answered calls with outcomes', async () => {
    const appended: AnyLedgerEvent[] = [];
    simulator = await startSimulator({
      log: ledger.log, codec: ledger.codec, scenario: campaignFloor, seed: 5, site: 'sh', clock: { mode: 'real-time' }, now: Date.now, tickMs: 100, topicName,
      onAppended: (events) => appended.push(...events),
    });
    const config = {
      campaignId, version: 1, name: 'simulated reminder', purpose: 'PAYMENT_REMINDER', script: 'overdue-reminder-v1', dialMode: 'PROGRESSIVE', site: 'sh',
      queueId: 'outbound-collections', agentGroup: 'collections', abandonCap: { rate: 0.03 },
      callingWindows: { defaultUtcOffsetMinutes: noonOffsetMinutes(Date.now()), weekly: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '06:00', close: '18:00' }] },
      maxAttempts: 3, retryAfterMinutes: { NO_ANSWER: 60, BUSY: 15, VOICEMAIL: 120 },
    };
    await append(event('CampaignStarted', { campaignId, campaignVersion: 1, name: config.name, purpose: 'PAYMENT_REMINDER', dialMode: 'PROGRESSIVE', config: JSON.stringify(config), maxDropRate: 0.03, startedBy: 'ops-1' }));
    await append(...Array.from({ length: 12 }, (_, i) => event('ContactScheduled', {
      campaignId, contactId: `K${i + 1}`, customerId: `C-${i + 1}`, phoneNumber: `+861390000${String(i + 1).padStart(4, '0')}`, dueAt: Date.now(), expiresAt: null,
      priority: 100 - i, maxAttempts: 3, amountDue: { amountMinor: 300_000, currency: 'CNY' }, utcOffsetMinutes: null,
    }, `customer:C-${i + 1}`)));

    const campaignWrapUps = (): AnyLedgerEvent[] => appended.filter((e) => e.type === 'WrapUpCompleted' && Object.hasOwn(outcomes, (e as LedgerEvent<'WrapUpCompleted'>).data.disposition));
    await waitFor('three campaign calls wrapped up by the simulated agents', () => campaignWrapUps().length >= 3, 150_000);
    await simulator.stop();
    // Nothing is appended after this: the log below is the whole campaign so far.
    await dialer.stop();
    await routing.stop();
    expect(dialer.dialer.stats.deadLettered + dialer.sequencer.stats.deadLettered).to.equal(0);

    const outbound = await readAll('ledger.outbound');
    const attempts = new Map(outbound.filter((e): e is LedgerEvent<'DialAttempted'> => e.type === 'DialAttempted' && e.metadata.producer.component === 'streams/outbound').map((e) => [e.data.attemptId, e.data]));
    const results = outbound.filter((e): e is LedgerEvent<'DialResult'> => e.type === 'DialResult' && e.metadata.producer.component === 'producers/simulator');
    expect(results.length).to.be.at.least(3);
    for (const result of results) {
      // Every result answers one of the dialer's dials, for the interaction the dialer named.
      expect(attempts.get(result.data.attemptId), result.data.attemptId).to.include({ campaignId, contactId: result.data.contactId, interactionId: result.data.interactionId });
    }
    const answered = new Set(results.filter((r) => r.data.result === 'ANSWERED').map((r) => r.data.interactionId));
    expect(answered.size).to.be.at.least(3);

    const interactions = await readAll('ledger.interactions');
    const offers = new Map(interactions.filter((e): e is LedgerEvent<'InteractionOffered'> => e.type === 'InteractionOffered' && e.metadata.producer.component === 'streams/routing').map((e) => [e.data.offerId, e.data.agentId]));
    const agentAnswers = interactions.filter((e): e is LedgerEvent<'InteractionAnswered'> => e.type === 'InteractionAnswered' && answered.has(e.metadata.interactionId));
    expect(agentAnswers.length).to.be.at.least(3);
    for (const answer of agentAnswers) expect(offers.get(answer.data.offerId ?? ''), `the offer ${answer.data.offerId}`).to.equal(answer.data.agentId);

    const wrapUps = interactions.filter((e): e is LedgerEvent<'WrapUpCompleted'> => e.type === 'WrapUpCompleted' && answered.has(e.metadata.interactionId));
    expect(wrapUps.length).to.be.at.least(3);
    for (const wrapUp of wrapUps) {
      expect(Object.keys(outcomes)).to.include(wrapUp.data.disposition);
      expect(wrapUp.metadata.dataSubject).to.match(/^customer:C-\d+$/);
      const names = wrapUp.data.ticketFields.map((f) => f.name);
      expect(names).to.deep.equal(wrapUp.data.disposition === 'PROMISE_TO_PAY' ? ['promiseDate', 'promiseAmount'] : []);
    }
    if (adapter === 'kafka') return; // the rebuild reads the ledger's own topic names
    // The campaign's read model, rebuilt from the log, counts what the simulated telephony and agents did.
    knex = openKnex(testDatabaseUrl());
    const store = new ProjectionStore(knex, prefix);
    await rebuild({ knex, log: ledger.log, codec: ledger.codec, store, models: readModels().filter((m) => m.name === 'outbound_campaigns') });
    const [figures] = await campaignFigures(knex, store.readSchema, { from: 0, to: Date.now() + 86_400_000, now: Date.now(), campaignId });
    const count = (result: string): number => results.filter((r) => r.data.result === result).length;
    expect(figures).to.include({
      contacts: 12, attempts: attempts.size, connects: answered.size, noAnswer: count('NO_ANSWER'), busy: count('BUSY'), voicemail: count('VOICEMAIL'), failed: count('FAILED'),
      agentContacts: agentAnswers.length, promisesToPay: wrapUps.filter((w) => w.data.disposition === 'PROMISE_TO_PAY').length,
      disputes: wrapUps.filter((w) => w.data.disposition === 'DISPUTE').length, wrongNumbers: wrapUps.filter((w) => w.data.disposition === 'WRONG_NUMBER').length,
      rightPartyContacts: wrapUps.filter((w) => w.data.disposition !== 'WRONG_NUMBER').length,
    });
  });
});
