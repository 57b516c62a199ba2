// The compliance timeline on the embedded log (real PostgreSQL): a scripted call with a fraud
// phrase, its risk/QA/summary decisions written the way the call processors write them (their
// definitions and the runtime's outputRecords; one call as the single processor before the split
// wrote it), then: personal fields per role, rule versions on
// decisions, decisions reproduced by re-running the deciders, a seal verified, and bytes changed
// in the events table caught by the chain and (for a decision) by the re-run.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freshNames, openTestLedger, type TestLedger } from '../projections/testing/int-support.ts';
import { catalogue } from '../schemas/catalogue.ts';
import { EventCodec } from '../schemas/codec/event-codec.ts';
import { InMemoryDataKeyStore } from '../schemas/pii/data-key-store.ts';
import { PersonalDataProtector, REDACTED } from '../schemas/pii/personal-data.ts';
import { EmbeddedSchemaRegistry } from '../log/embedded/embedded-schema-registry.ts';
import type { AppendRecord, LogRecord } from '../log/port.ts';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { outputRecords } from '../streams/runtime/run-processor.ts';
import { sourceHeader, sourceHeaderValue } from '../streams/runtime/source-position.ts';
import { decisionId } from '../streams/runtime/uuid-v5.ts';
import { callProcessorDefinition, callProcessorReplays, callProcessorVersion, defaultReactors, qaSummaryProcessor, riskProcessor, sharedPolicies, type CallProcessorReplay } from '../streams/risk/call-processor.ts';
import { CallBuilder, fixtureUuid } from '../test/support/call-builder.ts';
import { testDatabaseUrl } from '../test/support/test-database.ts';
import { routing as ev, offerId } from '../test/support/routing-events.ts';
import { routingProcessor, routingVersion } from '../streams/routing/routing.processor.ts';
import { routingComponent } from '../streams/routing/routing.decider.ts';
import { PostgresSealStore, sealInteraction, TimelineBuilder, timelinesToCsv, type TimelineTopics } from './timeline.ts';

describe('compliance timeline (embedded log)', function () {
  this.timeout(120_000);
  let ledger: TestLedger;
  let pool: pg.Pool;
  let codec: EventCodec;
  let personalData: PersonalDataProtector;
  let topics: TimelineTopics;
  let seals: PostgresSealStore;
  let builder: TimelineBuilder;
  const sealSchema = `tl_${randomBytes(4).toString('hex')}`;
  const interactionId = fixtureUuid('timeline-call-1');
  const other = fixtureUuid('timeline-call-2');
  const third = fixtureUuid('timeline-call-3');
  const beforeSplit = fixtureUuid('timeline-call-4');
  const repeated = fixtureUuid('timeline-call-5');

  function call(id: string, customer: string): AnyLedgerEvent[] {
    const c = new CallBuilder({ interactionId: id, dataSubject: `customer:${customer}` });
    c.answered();
    c.agent('您好，请问有什么可以帮您？');
    c.customer('有人让我把钱转到安全账户，还要我告诉他验证码');
    c.agent('请不要转账，这是诈骗，我们不会要求您提供验证码');
    c.end();
    return c.events;
  }

  /**
   * Appends the call's events, then the call processors' decisions for them, as the runtime writes
   * them; `beforeSplit`: as the single processor that ran all three deciders wrote them (the risk
   * processor's group and id namespace, QA and summary decisions positioned after risk's).
   * `repeatRisk`: risk's decisions are appended a second time, as after a crash between its
   * at-least-once append and its checkpoint.
   */
  async function record(events: readonly AnyLedgerEvent[], beforeSplit = false, repeatRisk = false): Promise<void> {
    const interactions = topics.interactions;
    const inputs: AppendRecord[] = [];
    for (const event of events) inputs.push({ topic: interactions, key: codec.keyOf(event), value: await codec.encode(event), headers: { ce_id: event.metadata.eventId } });
    const results = await ledger.log.append(inputs);
    const single = (): CallProcessorReplay => {
      const reactors = defaultReactors();
      const shared = sharedPolicies(reactors);
      return { kind: riskProcessor, reactors, shared, definition: callProcessorDefinition(riskProcessor, reactors, shared) };
    };
    const processors = (beforeSplit ? [single()] : callProcessorReplays()).map((replay) => ({ ...replay, state: replay.definition.initialState() }));
    const outputs: AppendRecord[] = [];
    const riskOutputs: AppendRecord[] = [];
    for (const [i, event] of events.entries()) {
      const position = results[i];
      const logRecord: LogRecord = { ...position, key: inputs[i].key, value: inputs[i].value, headers: {}, timestamp: event.metadata.occurredAt };
      for (const { kind, definition, state } of processors) {
        const decided = definition.decide(event, state, { ...position, key: logRecord.key, timestamp: logRecord.timestamp });
        const records = (await outputRecords(codec, kind.component, callProcessorVersion, event, logRecord, decided, (t) => ledger.topic(t)))
          .map((r, index) => ({ ...r, headers: { ...r.headers, [sourceHeader]: sourceHeaderValue(kind.name, position.topic, position.partition, position.offset, index) } }));
        outputs.push(...records);
        if (kind === riskProcessor) riskOutputs.push(...records);
      }
    }
    await ledger.log.append(outputs);
    if (repeatRisk) await ledger.log.append(riskOutputs);
  }

  async function alter(position: string, change: (value: Buffer) => Buffer | Promise<Buffer>): Promise<void> {
    const [topic, partition, offset] = [position.split('/').slice(0, -2).join('/'), Number(position.split('/').at(-2)), Number(position.split('/').at(-1))];
    const table = `"${ledger.names.logSchema}".events`;
    const { rows } = await pool.query<{ value: Buffer }>(`select value from ${table} where topic = $1 and partition = $2 and "offset" = $3`, [topic, partition, offset]);
    await pool.query(`update ${table} set value = $4 where topic = $1 and partition = $2 and "offset" = $3`, [topic, partition, offset, await change(rows[0].value)]);
  }

  before(async () => {
    ledger = await openTestLedger(freshNames('embedded'), []);
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    personalData = new PersonalDataProtector(new InMemoryDataKeyStore());
    codec = new EventCodec({ catalogue: catalogue(), registry: new EmbeddedSchemaRegistry(pool, ledger.names.logSchema), personalData });
    topics = {
      interactions: ledger.topic('ledger.interactions'), agents: ledger.topic('ledger.agents'), audit: ledger.topic('ledger.audit'),
      control: ledger.topic('ledger.control'), routingInputs: ledger.topic('ledger.routing.inputs'),
    };
    seals = new PostgresSealStore(pool, sealSchema);
    await seals.migrate();
    builder = new TimelineBuilder({ log: ledger.log, codec, personalData, topics, seals });
    await record(call(interactionId, 'C-1001'));
    await record(call(other, 'C-2002'));
    await record(call(third, 'C-3003'));
    await record(call(beforeSplit, 'C-4004'), true);
    await record(call(repeated, 'C-5005'), false, true);
  });
  after(async () => {
    await pool?.query(`drop schema if exists "${sealSchema}" cascade`);
    await pool?.end();
    await ledger?.close();
    await ledger?.drop();
  });

  describe('for a compliance officer', () => {
    it('lists the call\'s events and decisions in order with personal fields revealed and rule versions on decisions', async () => {
      const timeline = await builder.build(interactionId, 'compliance');
      expect(timeline.events.filter((e) => !e.decision).map((e) => e.type)).to.deep.equal(['InteractionAnswered', 'TranscriptSegmentRecognized', 'TranscriptSegmentRecognized', 'TranscriptSegmentRecognized', 'InteractionEnded']);
      expect(timeline.events.map((e) => e.seq)).to.deep.equal(timeline.events.map((_, i) => i + 1));
      const seqOf = new Map(timeline.events.map((e) => [e.eventId, e.seq]));
      for (const d of timeline.events.filter((e) => e.decision)) expect(seqOf.get(d.causationId ?? '') ?? Infinity, d.type).to.be.lessThan(d.seq);
      const said = timeline.events.filter((e) => e.type === 'TranscriptSegmentRecognized').map((e) => (e.data as { text: string }).text);
      expect(said[1]).to.equal('有人让我把钱转到安全账户，还要我告诉他验证码');
      const decisions = timeline.events.filter((e) => e.decision);
      expect(decisions.map((e) => e.type)).to.include('RiskAlertRaised');
      const alert = decisions.find((e) => e.type === 'RiskAlertRaised');
      expect(alert?.decision?.policy).to.have.keys('ruleId', 'ruleVersion');
      const qa = decisions.find((e) => e.type === 'QaScoreComputed');
      expect(qa?.decision?.policy).to.include.keys('rulesId', 'rulesVersion');
    });

    it('marks a risk decision appended twice (at-least-once, after a crash) as a repeat of the original, and re-runs without it', async () => {
      const timeline = await builder.build(repeated, 'compliance');
      const repeats = timeline.events.filter((e) => e.repeatOf !== undefined);
      expect(repeats.map((e) => e.type)).to.include('RiskAlertRaised');
      for (const r of repeats) {
        const original = timeline.events.find((e) => e.position === r.repeatOf);
        expect(original?.eventId, `${r.type} repeats the original`).to.equal(r.eventId);
        expect(original?.seq).to.be.lessThan(r.seq);
      }
      expect(timeline.replay.result).to.equal('reproduced');
      expect(timeline.replay.decisions.map((d) => d.eventId)).to.have.lengthOf(new Set(timeline.replay.decisions.map((d) => d.eventId)).size);
    });

    it('re-runs the deciders on the recorded inputs and reproduces every decision', async () => {
      const timeline = await builder.build(interactionId, 'compliance');
      expect(timeline.replay.decisions.length).to.be.greaterThan(2);
      expect(timeline.replay.decisions.filter((d) => d.result !== 'reproduced')).to.deep.equal([]);
      expect(timeline.replay.result).to.equal('reproduced');
    });

    it('reproduces the QA and summary decisions of a call decided before the call processor was split (ids of then)', async () => {
      const timeline = await builder.build(beforeSplit, 'compliance');
      const checked = timeline.replay.decisions;
      expect(checked.map((d) => d.component)).to.include.members(['streams/risk', 'streams/qa', 'streams/summary']);
      expect(checked.filter((d) => d.result !== 'reproduced')).to.deep.equal([]);
      // The recorded QA and summary ids are not any that today's QA and summary processor gives.
      const inputs = timeline.events.filter((e) => !e.decision).map((e) => e.eventId);
      const idsNow = new Set(inputs.flatMap((input) => Array.from({ length: 10 }, (_, i) => decisionId(qaSummaryProcessor.component, input, i))));
      const recorded = checked.filter((d) => d.component !== 'streams/risk').map((d) => d.eventId);
      expect(recorded).to.not.be.empty;
      expect(recorded.filter((id) => idsNow.has(id))).to.deep.equal([]);
    });
  });

  describe('for an analyst', () => {
    it('redacts personal fields', async () => {
      const timeline = await builder.build(interactionId, 'analyst');
      const texts = timeline.events.filter((e) => e.type === 'TranscriptSegmentRecognized').map((e) => (e.data as { text: string }).text);
      expect(texts).to.have.length(3);
      expect(texts.every((t) => t === REDACTED)).to.equal(true);
    });
  });

  describe('for a customer', () => {
    it('finds the customer\'s interactions only', async () => {
      expect(await builder.interactionsOf('C-2002')).to.deep.equal([other]);
    });
  });

  describe('when an event\'s bytes are changed in the log after sealing', () => {
    it('verifies before, and names the altered event after', async () => {
      await sealInteraction(builder, seals, other);
      const before = await builder.build(other, 'compliance');
      expect(before.chain.verification.status).to.equal('verified');

      // A transcript segment: change one character of the ciphertext (still decodes, different bytes).
      const segment = before.events.find((e) => e.type === 'TranscriptSegmentRecognized');
      if (!segment) throw new Error('no segment');
      await alter(segment.position, (value) => {
        const copy = Buffer.from(value);
        const at = copy.indexOf('pii:v1:') + 12;
        copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
        return copy;
      });
      const altered = await builder.build(other, 'analyst');
      expect(altered.chain.verification.status).to.equal('altered');
      expect(altered.chain.verification.firstMismatch).to.deep.equal({ seq: segment.seq, position: segment.position, reason: 'bytes-changed' });
      expect(altered.events[segment.seq - 1].integrity).to.be.a('string');
    });

    it('reports a decision whose recorded data was rewritten as a difference from the re-run', async () => {
      const before = await builder.build(third, 'compliance');

      // A QA score decision rewritten with another score.
      const score = before.events.find((e) => e.type === 'QaScoreComputed');
      if (!score) throw new Error('no QA score');
      const recordedScore = (score.data as { score: number }).score;
      await alter(score.position, async (value) => {
        const event = await codec.decode(value);
        return codec.encode({ ...event, data: { ...event.data, score: recordedScore + 7 } });
      });
      const rerun = await builder.build(third, 'compliance');
      expect(rerun.replay.result).to.equal('different');
      const check = rerun.replay.decisions.find((d) => d.eventId === score.eventId);
      expect(check?.result).to.equal('different');
      expect(check?.differences).to.deep.equal([{ path: 'data.score', recorded: recordedScore + 7, rerun: recordedScore }]);
    });
  });

  describe('for a routed call', () => {
    const first = fixtureUuid('routed-call-1');
    const second = fixtureUuid('routed-call-2');

    /** Routing inputs on the site's stream (key 'sh'), the calls' own events on the interactions topic, routing's decisions as the runtime writes them. */
    before(async () => {
      const inputs = [
        ev.policy({ defaultStrategy: 'longest-idle', ringTimeoutSeconds: 15, queues: [{ id: 'general', requiredSkills: [] }] }),
        ...ev.ready('a1', { general: 5 }, 1), ...ev.ready('a2', { general: 5 }, 2),
        ev.queued(first, 'general', 10), ev.queued(second, 'general', 11),
        ev.answered(first, 'a1', offerId(first), 14), ev.answered(second, 'a2', offerId(second), 15),
      ];
      const inputRecords: AppendRecord[] = [];
      for (const input of inputs) inputRecords.push({ topic: topics.routingInputs, key: 'sh', value: await codec.encode(input), partition: 0 });
      await ledger.log.createTopics([{ topic: topics.routingInputs, partitions: 1 }]);
      const positions = await ledger.log.append(inputRecords);
      const own = inputs.filter((i) => i.metadata.interactionId !== null);
      await ledger.log.append(await Promise.all(own.map(async (i) => ({ topic: topics.interactions, key: i.metadata.interactionId, value: await codec.encode(i) }))));
      const sites = routingProcessor.initialState();
      const outputs: AppendRecord[] = [];
      for (const [n, input] of inputs.entries()) {
        const position = positions[n];
        const logRecord: LogRecord = { ...position, key: 'sh', value: inputRecords[n].value, headers: {}, timestamp: input.metadata.occurredAt };
        const decided = routingProcessor.decide(input, sites, { ...position, key: 'sh', timestamp: logRecord.timestamp });
        outputs.push(...(await outputRecords(codec, routingComponent, routingVersion, input, logRecord, decided, (t) => ledger.topic(t))));
      }
      await ledger.log.append(outputs);
    });

    it('replays the site\'s stream (earlier calls included) and reproduces the routing decisions', async () => {
      const timeline = await builder.build(second, 'analyst');
      expect(timeline.replay.site).to.equal('sh');
      expect(timeline.replay.routingInputsReplayed).to.be.greaterThan(5);
      const routed = timeline.replay.decisions.filter((d) => d.component === routingComponent);
      expect(routed.map((d) => d.type)).to.include.members(['RoutingDecided', 'InteractionOffered']);
      expect(timeline.replay.decisions.filter((d) => d.result !== 'reproduced')).to.deep.equal([]);
      const decided = timeline.events.find((e) => e.type === 'RoutingDecided');
      expect(decided?.decision?.policy).to.include({ policyId: 'routing', policyVersion: 1 });
    });
  });

  describe('exported as CSV', () => {
    it('has one row per event and a summary row per interaction', async () => {
      const timeline = await builder.build(interactionId, 'analyst');
      const csv = timelinesToCsv([timeline]);
      const lines = csv.trim().split('\n');
      expect(lines[0]).to.match(/^interaction,seq,position/);
      expect(lines.filter((l) => l.startsWith(interactionId))).to.have.length(timeline.events.length + 1);
      expect(lines.at(-1)).to.include('reproduced');
    });
  });
});
