// Upgrading a ledger whose QA and summaries were decided by the single pre-split processor
// (group streams.risk-qa, all three deciders): `call-ledger processors take-over` gives the new
// QA/summary group the old checkpoints, so it decides nothing the old processor decided, and a
// call in progress at the cut-over gets its summary once, with the state rebuilt from the log.
import { expect } from 'chai';
import type pg from 'pg';
import { waitFor } from '../../log/contract/contract-support.ts';
import type { LedgerLog } from '../../log/port.ts';
import { toAppendRecords } from '../../log/runtime/event-records.ts';
import { freshNames, openTestLog } from '../../projections/testing/int-support.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { InMemoryDataKeyStore } from '../../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import { callProcessorReplays, decideCall, defaultReactors, qaSummaryProcessor, riskProcessor, startCallProcessor, type CallProcessorTopics } from '../../streams/risk/call-processor.ts';
import { summaryComponent } from '../../streams/summary/summary.decider.ts';
import { CallBuilder } from '../../test/support/call-builder.ts';
import { takeOverCheckpoints } from './processors.ts';

describe('call-ledger processors take-over (embedded log)', function () {
  this.timeout(120_000);
  const names = freshNames('embedded');
  const topic = (t: string): string => `${t}.${names.topicSuffix}`;
  const topics: CallProcessorTopics = { interactions: topic('ledger.interactions'), control: topic('ledger.control'), deadLetter: topic('ledger.deadletter') };
  const oldGroup = `streams.risk-qa.${names.topicSuffix}`;
  const newGroup = `streams.qa-summary.${names.topicSuffix}`;
  let log: LedgerLog;
  let pool: pg.Pool;
  let codec: EventCodec;
  let personalData: PersonalDataProtector;

  before(async () => {
    const opened = await openTestLog(names);
    log = opened.log;
    pool = opened.pool;
    personalData = new PersonalDataProtector(new InMemoryDataKeyStore());
    codec = new EventCodec({ catalogue: catalogue(), registry: opened.registry, personalData });
    await log.createTopics([{ topic: topics.interactions, partitions: 2 }, { topic: topics.control, partitions: 1 }, { topic: topics.deadLetter ?? '', partitions: 1 }]);
  });
  after(async () => {
    await log?.close();
    await pool?.query(`drop schema if exists "${names.logSchema}" cascade`);
    await pool?.end();
  });

  const append = async (events: readonly AnyLedgerEvent[]): Promise<void> => {
    await log.append((await toAppendRecords(codec, events)).map((r) => ({ ...r, topic: topics.interactions })));
  };
  const summariesOf = async (interactionId: string): Promise<AnyLedgerEvent[]> => {
    const out: AnyLedgerEvent[] = [];
    for await (const batch of log.readRange({ topic: topics.interactions })) {
      for (const record of batch) {
        const event = (await codec.decode(record.value)) as unknown as AnyLedgerEvent;
        if (event.type === 'SummaryGenerated' && event.metadata.interactionId === interactionId) out.push(event);
      }
    }
    return out;
  };
  const caughtUp = async (group: string): Promise<boolean> => {
    const [description, committed] = await Promise.all([log.describeTopic(topics.interactions), log.groupOffsets(group, topics.interactions)]);
    return description.partitions.every((p) => (committed.get(p.partition) ?? 0) >= p.high);
  };

  it('starts the new group where the old one stopped: nothing decided twice, the call in progress summarised once', async () => {
    const call = (id: string) => new CallBuilder({ interactionId: `${id}-${names.topicSuffix}`, dataSubject: `customer:${id}` });
    const finished = call('C-FINISHED');
    finished.answered();
    finished.customer('我的卡丢了，尾号是1234');
    finished.agent('好的，马上为您挂失');
    finished.end();
    const inProgress = call('C-IN-PROGRESS');
    inProgress.answered();
    inProgress.customer('我想查一下信用卡账单');
    inProgress.agent('好的，请稍等');
    const body = [...inProgress.events];
    inProgress.end();
    const end = inProgress.events.at(-1) as AnyLedgerEvent;

    // Before the upgrade: one processor ran risk, QA and summaries.
    const old = await startCallProcessor({ kind: riskProcessor, reactors: defaultReactors(), log, codec, personalData, group: oldGroup, topics, startFrom: 'earliest' });
    await append([...finished.events, ...body]);
    await waitFor('the old processor to decide everything', () => caughtUp(oldGroup));
    await old.stop();
    expect(await summariesOf(finished.interactionId)).to.have.length(1);

    const taken = await takeOverCheckpoints(log, [topics.interactions, topics.control], newGroup, oldGroup);
    expect(taken.find((t) => t.topic === topics.interactions)?.partitions.length, 'partitions taken over').to.be.greaterThan(0);
    expect(await takeOverCheckpoints(log, [topics.interactions], newGroup, oldGroup), 'a second take-over').to.deep.equal([{ topic: topics.interactions, partitions: [] }]);

    const next = await startCallProcessor({ kind: qaSummaryProcessor, log, codec, personalData, group: newGroup, topics, startFrom: 'earliest' });
    try {
      await append([end]);
      await waitFor('the summary of the call in progress', async () => (await summariesOf(inProgress.interactionId)).length > 0);
      await waitFor('the new group to catch up', () => caughtUp(newGroup));
    } finally {
      await next.stop();
    }
    const finishedSummaries = await summariesOf(finished.interactionId);
    expect(finishedSummaries, 'the finished call is not summarised again').to.have.length(1);
    const summaries = await summariesOf(inProgress.interactionId);
    expect(summaries, 'the call in progress').to.have.length(1);
    expect(summaries[0].metadata.producer.component).to.equal(summaryComponent);
    // Its state came from the log before the cut-over (replayed, outputs dropped): the summary is
    // the one a QA/summary processor that saw the whole call decides.
    expect(next.processor.stats.replayed).to.be.greaterThan(0);
    const [whole] = callProcessorReplays().filter((r) => r.kind === qaSummaryProcessor);
    const state = whole.definition.initialState();
    const decided = inProgress.events.flatMap((event) => decideCall(whole.reactors, whole.shared, state, event)).filter((d) => d.type === 'SummaryGenerated');
    const recorded = await personalData.reveal(codec.catalogue.get('SummaryGenerated'), summaries[0]);
    expect(JSON.parse(JSON.stringify(recorded.data))).to.deep.equal(JSON.parse(JSON.stringify(decided[0].data)));
  });

  it('refuses to take over from the group itself', async () => {
    let refused: unknown;
    await takeOverCheckpoints(log, [topics.interactions], newGroup, newGroup).catch((error: unknown) => (refused = error));
    expect(String(refused)).to.match(/--from: .* is the group itself/);
  });
});
