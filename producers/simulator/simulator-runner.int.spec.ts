// The simulator's I/O adapter against a real log — the embedded one (PostgreSQL), and Kafka with
// the registry when LEDGER_TEST_KAFKA=1 — and the product's real routing pipeline (sequencer +
// routing processor + ticker): callers queue, routing offers them to the simulated agents, the
// agents answer those very offers, talk, wrap up and come back. On Kafka every run has topics of
// its own (a random suffix).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { waitFor } from '../../log/contract/contract-support.ts';
import { readConfig } from '../../platform/config.ts';
import { openLedger, type Ledger } from '../../platform/open-ledger.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { PostgresSnapshotStore } from '../../streams/runtime/snapshot-store.ts';
import { routingTopics, startRoutingService, type RoutingService } from '../../streams/routing/routing-service.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { loadScenario, type Scenario } from './scenario.ts';
import { shippedScenarios } from './scenario-files.ts';
import { startSimulator } from './simulator-runner.ts';

const bankDay = loadScenario(fileURLToPath(shippedScenarios['bank-day']));
/** Callers straight into one queue, short calls, five agents on duty around the clock. */
const quick: Scenario = {
  ...bankDay,
  arrivals: { scale: 1, curve: [{ at: '00:00', callsPerHour: 1800 }] },
  channels: { phone: 1, appHandOff: 0, video: 0 },
  patience: { ivrHangUpPerNode: 0, announcement: { afterSeconds: 60, hangUpShare: 0 } },
  ivr: { flowId: 'ivr-quick', flowVersion: 1, root: 'to-agent', nodes: [{ id: 'to-agent', type: 'TRANSFER', label: 'to an agent', dwellSeconds: 1, serviceType: 'retail' }] },
  serviceTypes: bankDay.serviceTypes.map((s) => ({ ...s, service: { mean: 4, cv: 0.2 }, transferShare: 0, conferenceShare: 0 })),
  shortService: { share: 0, maxSeconds: 10 },
  agents: { ...bankDay.agents, noAnswerShare: 0, ringDelaySeconds: { mean: 1, cv: 0 }, wrapUpSeconds: { mean: 1, cv: 0 }, groups: [{ prefix: 'SIM-IT', count: 5, skills: { retail: 9 }, shift: { start: '00:00', end: '23:59' }, breaks: [] }] },
};

const adapters: readonly ('embedded' | 'kafka')[] = process.env.LEDGER_TEST_KAFKA === '1' ? ['embedded', 'kafka'] : ['embedded'];

for (const adapter of adapters) describe(`simulator runner on the ${adapter} log, with the routing pipeline`, function () {
  this.timeout(120_000);
  let ledger: Ledger;
  let routing: RoutingService;
  const schema = `sim_it_${randomBytes(4).toString('hex')}`;
  const suffix = adapter === 'kafka' ? `.${randomBytes(4).toString('hex')}` : '';
  const topicName = (topic: string): string => `${topic}${suffix}`;

  before(async () => {
    const env = { LEDGER_LOG: adapter, LEDGER_DATABASE_URL: testDatabaseUrl(), LEDGER_DB_SCHEMA: schema, LEDGER_MASTER_KEY: randomBytes(32).toString('base64'), LEDGER_SIMULATOR: 'off', LEDGER_LOG_LEVEL: 'error' };
    ledger = await openLedger(readConfig({ ...process.env, ...env }));
    await ledger.log.createTopics(ledgerTopics(ledger.config, ledger.codec.catalogue).map((spec) => ({ ...spec, topic: topicName(spec.topic) })));
    await ledger.log.createTopics(routingTopics(topicName, 3));
    await ledger.codec.registerAll();
    routing = await startRoutingService({
      log: ledger.log, codec: ledger.codec, snapshots: new PostgresSnapshotStore(ledger.pool, schema), sites: ['sh'], topicName,
      ticks: { intervalMs: 500, now: Date.now },
    });
  });

  after(async () => {
    await routing?.stop();
    await ledger?.pool.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    await ledger?.close();
  });

  it('answers the offers routing makes, so routing decisions feed back into the traffic', async () => {
    const appended: AnyLedgerEvent[] = [];
    const simulator = await startSimulator({
      log: ledger.log, codec: ledger.codec, scenario: quick, seed: 3, site: 'sh', clock: { mode: 'real-time' }, now: Date.now, tickMs: 100, topicName,
      onAppended: (events) => appended.push(...events),
    });
    await waitFor('five calls answered, talked and wrapped up', () => appended.filter((e) => e.type === 'WrapUpCompleted').length >= 5, 60_000);
    await simulator.stop();

    const offers = new Map<string, string>();
    for await (const batch of ledger.log.readRange({ topic: topicName('ledger.interactions') })) {
      for (const record of batch) {
        const event = await ledger.codec.decode(record.value);
        if (event.type === 'InteractionOffered' && event.metadata.producer.component === 'streams/routing') offers.set((event.data as { offerId: string }).offerId, (event.data as { agentId: string }).agentId);
      }
    }
    const answers = appended.filter((e): e is AnyLedgerEvent & { type: 'InteractionAnswered' } => e.type === 'InteractionAnswered');
    expect(answers.length).to.be.at.least(5);
    for (const answer of answers) expect(offers.get(answer.data.offerId ?? ''), `answer of ${answer.data.offerId}`).to.equal(answer.data.agentId);
    // Stopping logs every simulated agent out and ends every call still in progress.
    const stopped = appended.slice(appended.findLastIndex((e) => e.type !== 'AgentLoggedOut' && e.type !== 'InteractionEnded') + 1);
    expect(stopped.filter((e) => e.type === 'AgentLoggedOut')).to.have.length(5);
    expect(simulator.stats().feedbackReceived).to.be.greaterThan(0);
  });

  it('as fast as possible, runs the simulated duration and stops at its end', async () => {
    const start = Date.UTC(2026, 10, 23, 2, 0);
    const appended: AnyLedgerEvent[] = [];
    const simulator = await startSimulator({
      log: ledger.log, codec: ledger.codec, scenario: quick, seed: 4, site: 'sh', clock: { mode: 'as-fast-as-possible', stepMs: 1000 }, now: Date.now, topicName,
      start, durationMs: 5 * 60_000, onAppended: (events) => appended.push(...events),
    });
    await simulator.done;
    expect(simulator.stats().simulatedAt).to.equal(start + 5 * 60_000);
    const times = appended.map((e) => e.metadata.occurredAt);
    expect(Math.min(...times)).to.equal(start);
    expect(Math.max(...times)).to.be.at.most(start + 5 * 60_000);
    expect(appended.filter((e) => e.type === 'InteractionStarted').length).to.be.within(100, 200);
  });
});
