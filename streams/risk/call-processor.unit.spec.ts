// The call processors' snapshot codec and definitions, without a log: the whole corpus, calls
// interleaved so many are in flight at once, decided straight through and decided again with
// each processor's state snapshotted (to JSON, as the snapshot stores keep it) and restored after
// every few events, must give the same decisions. A published QA version (referenced by calls judged
// under it) and the compiled rule automata must survive the round trip.
import { expect } from 'chai';
import { loadCorpus } from '../../test/corpus/evaluate.ts';
import { eventsOfScript } from '../../test/support/call-builder.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { defaultQaRules } from '../rules/defaults.ts';
import { sha256 } from '../rules/policy-events.ts';
import type { Decision } from '../runtime/processor.ts';
import { callProcessorDefinition, callProcessorReplays, defaultReactors, qaSummaryProcessor, riskProcessor, sharedPolicies, type CallProcessorState } from './call-processor.ts';
import { riskComponent } from './risk.decider.ts';
import { decodeState, encodeState } from './call-state-snapshot.ts';

const source = { topic: 'ledger.interactions', partition: 0, offset: 0, key: null, timestamp: 0 };

function qaVersion2(): AnyLedgerEvent {
  const rules = defaultQaRules().document;
  const document = JSON.stringify({ ...rules, passMark: 90 });
  return {
    type: 'QaRulesPublished',
    metadata: {
      eventId: '00000000-0000-4000-8000-000000000a02', eventType: 'QaRulesPublished', occurredAt: 1, recordedAt: 1, sourceSystem: 'new',
      interactionId: null, correlationId: null, causationId: null, producer: { component: 'rules-publisher', version: '1' }, dataSubject: null,
    },
    data: { policyId: 'qa-rules', version: 2, document, documentSha256: sha256(document), publishedBy: 'qa.team', effectiveFrom: 0, changeNote: 'stricter pass mark' },
  } as AnyLedgerEvent;
}

/** Every corpus call, interleaved one event at a time (round robin). */
function interleavedCorpus(): AnyLedgerEvent[] {
  const calls = loadCorpus().map((c) => eventsOfScript({ interactionId: c.id, language: c.language }, c.script));
  const out: AnyLedgerEvent[] = [qaVersion2()];
  for (let i = 0; calls.some((events) => i < events.length); i++) {
    for (const events of calls) if (i < events.length) out.push(events[i]);
  }
  return out;
}

/** Decides every event, feeding decisions back as the log does; restores from a JSON snapshot every `every` inputs (0: never). */
function run(events: readonly AnyLedgerEvent[], every: number): { decisions: Decision[]; restores: number } {
  const processors = callProcessorReplays().map(({ definition }) => ({ definition, state: definition.initialState() as CallProcessorState }));
  const decisions: Decision[] = [];
  let restores = 0;
  let n = 0;
  const queue = [...events];
  while (queue.length > 0) {
    const event = queue.shift() as AnyLedgerEvent;
    const produced = processors.flatMap(({ definition, state }) => definition.decide(event, state, source) as Decision[]);
    decisions.push(...produced);
    queue.unshift(...produced.map((d) => ({ type: d.type, data: d.data, metadata: { ...event.metadata, eventType: d.type, causationId: event.metadata.eventId, producer: { component: d.component ?? '', version: '1' } } }) as AnyLedgerEvent));
    if (every > 0 && ++n % every === 0) {
      for (const processor of processors) processor.state = processor.definition.fromSnapshot(JSON.parse(JSON.stringify(processor.definition.toSnapshot(processor.state))));
      restores++;
    }
  }
  return { decisions, restores };
}

describe('call processor snapshots', () => {
  it('splits the deciders into a core risk processor and a QA and summary processor, each with its own group and id namespace', () => {
    const [risk, qaSummary] = callProcessorReplays();
    expect(risk.definition).to.include({ name: riskProcessor.name, component: 'streams/risk-qa' });
    expect(risk.reactors.map((r) => r.component)).to.deep.equal(['streams/risk']);
    expect(qaSummary.definition).to.include({ name: qaSummaryProcessor.name, component: 'streams/qa-summary' });
    expect(qaSummary.reactors.map((r) => r.component)).to.deep.equal(['streams/qa', 'streams/summary']);
  });

  it('resumes risk from a snapshot taken before the split (risk, QA and summary states in one), with the same risk decisions', () => {
    const events = interleavedCorpus();
    const half = Math.floor(events.length / 2);
    const [risk] = callProcessorReplays();
    const straightState = risk.definition.initialState();
    const straight = events.flatMap((e) => risk.definition.decide(e, straightState, source));
    const reactors = defaultReactors();
    const beforeSplit = callProcessorDefinition(riskProcessor, reactors, sharedPolicies(reactors));
    const oldState = beforeSplit.initialState();
    const firstHalf = events.slice(0, half).flatMap((e) => beforeSplit.decide(e, oldState, source)).filter((d) => (d as Decision).component === riskComponent);
    const snapshot = JSON.parse(JSON.stringify(beforeSplit.toSnapshot(oldState))) as unknown[];
    expect(snapshot).to.have.length(3);
    const restored = risk.definition.fromSnapshot(snapshot);
    expect(restored).to.have.length(1);
    const secondHalf = events.slice(half).flatMap((e) => risk.definition.decide(e, restored, source));
    expect(straight.length).to.be.greaterThan(10);
    expect([...firstHalf, ...secondHalf]).to.deep.equal(straight);
  });

  it('round-trips Maps, Sets, non-finite numbers and rule version references', () => {
    const policy = { policyId: 'qa-rules', version: 2, effectiveFrom: 0, document: { compiled: true } };
    const value = { calls: new Map([['ix-1', { seen: new Set(['a', 'b']), policy, last: null, low: -Infinity, list: [1, 2] }]]) };
    const json = JSON.parse(JSON.stringify(encodeState(value))) as unknown;
    const back = decodeState(json, new Map([['qa-rules#2', policy]])) as typeof value;
    expect(back).to.deep.equal(value);
    expect(back.calls.get('ix-1')?.policy).to.equal(policy);
    expect(() => decodeState(json, new Map())).to.throw('rule version qa-rules#2 is not among the versions read from the control topic');
  });

  it('gives the same decisions over the interleaved corpus whether or not the state is snapshotted and restored along the way', () => {
    const events = interleavedCorpus();
    const straight = run(events, 0);
    const restored = run(events, 7);
    expect(restored.restores).to.be.greaterThan(10);
    expect(straight.decisions.length).to.be.greaterThan(50);
    const scores = straight.decisions.filter((d) => d.type === 'QaScoreComputed').map((d) => (d.data as { rulesVersion: number }).rulesVersion);
    expect(scores).to.not.be.empty;
    expect(scores.every((version) => version === 2), 'calls judged under the published QA version 2').to.equal(true);
    expect(restored.decisions).to.deep.equal(straight.decisions);
  });
});
