// What-if replays against a real log (embedded PostgreSQL log always; Kafka and the registry with
// LEDGER_TEST_KAFKA=1): a recorded site stream and recorded calls with encrypted transcripts are
// replayed through a candidate routing policy and a candidate risk rule set; the reports show the
// differences, and every topic (partition high offsets), the projections' schemas and their
// contents (checkpoints included) are exactly as before.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import pg from 'pg';
import { freshNames, openTestLedger, REGISTRY_URL, type LogKind, type TestLedger } from '../../projections/testing/int-support.ts';
import { defaultWallboardSettings } from '../../projections/wallboard/wallboard.projection.ts';
import { rebuild } from '../../projections/runtime/rebuild.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { kafkaTestsEnabled, reportKafkaTestsDisabled } from '../../log/kafka/kafka-test-env.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import { InMemoryDataKeyStore } from '../../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import { ConfluentSchemaRegistry } from '../../schemas/registry/confluent-registry.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { defaultRuleFiles } from '../../streams/rules/defaults.ts';
import { CallBuilder, fixtureUuid } from '../../test/support/call-builder.ts';
import { at, routing as ev } from '../../test/support/routing-events.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { ALL } from './kpis.ts';
import { runWhatIf, WhatIfError, type WhatIfSources } from './what-if.ts';

const fifo = { tiers: { VIP: { priority: 0 } }, queues: [{ id: 'cards', requiredSkills: [] }] };
const vipFirst = JSON.stringify({ tiers: { VIP: { priority: 1000 } }, queues: [{ id: 'cards', requiredSkills: [] }] });
const riskDefaults = JSON.parse(readFileSync(defaultRuleFiles.risk, 'utf8')) as { fraudWords: { id: string }[] };
const withoutSafeAccount = JSON.stringify({ ...riskDefaults, fraudWords: riskDefaults.fraudWords.filter((r) => r.id !== 'fraud.safe-account') });

/** One agent; S1 served 10 s → 70 s; S2 (STANDARD) and V (VIP) queue at 12 s and 13 s and are served in arrival order. */
const recording = () => [
  ev.policy(fifo, { seconds: 0 }),
  ...ev.ready('A1', {}, 1),
  ev.queued('S1', 'cards', 10), ev.answered('S1', 'A1', null, 10, 'cards'), ev.state('A1', 'BUSY', 10, 'S1'),
  ev.queued('S2', 'cards', 12, { tier: 'STANDARD' }), ev.queued('V', 'cards', 13, { tier: 'VIP' }),
  ev.ended('S1', 60), ev.state('A1', 'WRAP_UP', 60, 'S1'), ev.state('A1', 'AVAILABLE', 70),
  ev.answered('S2', 'A1', null, 70, 'cards'), ev.state('A1', 'BUSY', 70, 'S2'), ev.ended('S2', 120), ev.state('A1', 'WRAP_UP', 120, 'S2'), ev.state('A1', 'AVAILABLE', 130),
  ev.answered('V', 'A1', null, 130, 'cards'), ev.state('A1', 'BUSY', 130, 'V'), ev.ended('V', 180), ev.state('A1', 'WRAP_UP', 180, 'V'), ev.state('A1', 'AVAILABLE', 190),
] as AnyLedgerEvent[];

function fraudCall(): AnyLedgerEvent[] {
  const c = new CallBuilder({ interactionId: fixtureUuid('what-if-fraud-call'), dataSubject: 'customer:C-77', startedAt: at(300), language: 'en-US' });
  c.answered();
  c.say('AGENT', 'Good morning, how can I help you today?');
  c.say('CUSTOMER', 'The officer said I must move my savings to a safe account today.');
  c.end();
  return c.events;
}

function defineWhatIfSpec(kind: LogKind): void {
  describe(`what-if replays (${kind} log)`, function () {
    this.timeout(180_000);
    let ledger: TestLedger;
    let pool: pg.Pool;
    let sources: WhatIfSources;
    const catalogueTopics = [...new Set(catalogue().topics)];

    /** Every topic's partitions with their offsets, and every projection table's row count and content hash. */
    async function snapshot(): Promise<unknown> {
      const topics: Record<string, unknown> = {};
      for (const name of [...catalogueTopics, 'ledger.routing.inputs']) {
        topics[name] = await ledger.log.describeTopic(ledger.topic(name)).then((d) => d.partitions.map((p) => [p.partition, p.low, p.high]), () => 'absent');
      }
      const tables = await pool.query<{ schema: string; name: string }>(
        `select table_schema as schema, table_name as name from information_schema.tables where table_schema like $1 order by 1, 2`, [`${ledger.names.prefix}\\_%`]);
      const contents: Record<string, unknown> = {};
      for (const t of tables.rows) {
        const { rows } = await pool.query<{ n: string; digest: string | null }>(`select count(*) as n, md5(string_agg(t::text, '|' order by t::text)) as digest from "${t.schema}"."${t.name}" t`);
        contents[`${t.schema}.${t.name}`] = rows[0];
      }
      return { topics, contents };
    }

    before(async () => {
      ledger = await openTestLedger(freshNames(kind));
      pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
      const personalData = new PersonalDataProtector(new InMemoryDataKeyStore());
      const registry = kind === 'embedded' ? new EmbeddedSchemaRegistry(pool, ledger.names.logSchema) : new ConfluentSchemaRegistry(REGISTRY_URL);
      const codec = new EventCodec({ catalogue: catalogue(), registry, personalData });
      const routingInputs = ledger.topic('ledger.routing.inputs');
      await ledger.log.createTopics([{ topic: routingInputs, partitions: 1 }, { topic: ledger.topic('ledger.control'), partitions: 1 }]);
      // The recording as the sequencer leaves it: each event on its own topic, and the same bytes on the site's stream.
      for (const event of recording()) {
        const value = await codec.encode(event);
        const topic = ledger.topic(codec.definitionOf(event).topic);
        await ledger.log.append([{ topic, key: codec.keyOf(event), value }, { topic: routingInputs, key: 'sh', value }]);
      }
      for (const event of fraudCall()) await ledger.log.append([{ topic: ledger.topic('ledger.interactions'), key: codec.keyOf(event), value: await codec.encode(event) }]);
      await rebuild({ knex: ledger.knex, log: ledger.log, codec, store: ledger.store, models: ledger.models });
      sources = {
        log: ledger.log, codec, personalData, settings: defaultWallboardSettings,
        topics: { routingInputs, interactions: ledger.topic('ledger.interactions'), control: ledger.topic('ledger.control') },
      };
    });
    after(async () => {
      await pool?.end();
      await ledger?.close();
      await ledger?.drop();
    });

    it('reports the KPI differences of a candidate routing policy and the alerts a candidate risk rule set removes, leaving every topic and projection as it was', async () => {
      const before = await snapshot();
      expect(JSON.stringify(before)).to.include('checkpoints');

      const routing = await runWhatIf(sources, { kind: 'routing', document: vipFirst, policyId: 'vip-first', from: at(5), to: at(3600) });
      expect(routing.kind).to.equal('routing');
      if (routing.kind !== 'routing') return;
      expect(routing.sites.map((s) => s.site)).to.deep.equal(['sh']);
      const vip = routing.sites[0].rows.find((r) => r.queue === 'cards' && r.tier === 'VIP');
      expect(vip?.actual?.asaMs).to.equal(117_000);
      expect(vip?.candidate?.asaMs).to.equal(57_000);
      expect(routing.sites[0].rows.find((r) => r.queue === ALL && r.tier === ALL)?.actual).to.include({ offered: 3, answered: 3 });

      const risk = await runWhatIf(sources, { kind: 'risk', document: withoutSafeAccount, from: at(0), to: at(3600) });
      expect(risk.kind).to.equal('risk');
      if (risk.kind === 'routing') return;
      expect(risk).to.include({ interactions: 4, removed: 1, added: 0 });
      expect(risk.examples.removed[0]).to.include({ interactionId: fixtureUuid('what-if-fraud-call'), ruleId: 'fraud.safe-account' });
      expect(risk.examples.removed[0].terms).to.deep.equal(['safe account']); // read from the encrypted transcript

      expect(await snapshot()).to.deep.equal(before);
    });

    it('refuses a period that ends before it starts, naming the field and the rule, reading nothing', async () => {
      const error = await runWhatIf(sources, { kind: 'routing', document: vipFirst, from: at(10), to: at(5) }).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(WhatIfError);
      expect((error as WhatIfError).message).to.equal('to: must be after from [after-from]');
    });
  });
}

defineWhatIfSpec('embedded');
if (kafkaTestsEnabled()) defineWhatIfSpec('kafka');
else reportKafkaTestsDisabled('what-if replays on Kafka');
