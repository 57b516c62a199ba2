// The simulator as the telephony side of outbound campaigns, given/when/then: the dialer's
// DialAttempted → a seeded DialResult after the ring time; an answered call the dialer queues →
// a simulated agent takes routing's offer, talks, wraps up with the campaign outcome; a drop the
// dialer judged → the customer hangs up.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { AnyLedgerEvent, LedgerEvent, LedgerEventMap } from '../../schemas/generated/events.ts';
import { dialerComponent } from '../../streams/outbound/dialer.decider.ts';
import { deciderSpec } from '../../test/support/decider-spec.ts';
import { loadScenario, type OutboundSpec, type Scenario } from './scenario.ts';
import { shippedScenarios } from './scenario-files.ts';
import { trafficDecider, type TrafficInput } from './traffic.decider.ts';
import type { TrafficOptions } from './traffic-state.ts';

const bankDay = loadScenario(fileURLToPath(shippedScenarios['bank-day']));
/** Monday 2026-11-23 10:00 in Shanghai. */
const ten = Date.UTC(2026, 10, 23, 2, 0);
const options: TrafficOptions = { seed: 11, start: ten, site: 'sh', runTag: 'o' };
const outbound = bankDay.outbound as OutboundSpec;

/** No inbound callers; one collections agent on duty who answers at once. */
function campaignFloor(change: Partial<OutboundSpec> = {}): Scenario {
  return {
    ...bankDay,
    arrivals: { scale: 1, curve: [{ at: '00:00', callsPerHour: 0 }] },
    agents: { ...bankDay.agents, noAnswerShare: 0, ringDelaySeconds: { mean: 2, cv: 0 }, groups: [{ prefix: 'SIM-COL', count: 1, skills: { collections: 5 }, teams: ['collections'], shift: { start: '00:00', end: '23:59' }, breaks: [] }] },
    shortService: { share: 0, maxSeconds: 10 },
    outbound: { ...outbound, ...change },
  };
}

const interactionId = 'camp-1/K1/1';

function byDialer<T extends keyof LedgerEventMap>(type: T, at: number, data: LedgerEventMap[T], options: { interactionId?: string | null; component?: string; dataSubject?: string | null } = {}): LedgerEvent<T> {
  return {
    type,
    metadata: {
      eventId: `d-${type}-${at}`, eventType: type, occurredAt: at, recordedAt: at, sourceSystem: 'new', interactionId: options.interactionId ?? null, correlationId: null, causationId: null,
      producer: { component: options.component ?? dialerComponent, version: '1' }, dataSubject: options.dataSubject ?? null,
    },
    data,
  };
}

const dialled = (at: number, attempt = 1): LedgerEvent<'DialAttempted'> =>
  byDialer('DialAttempted', at, { campaignId: 'camp-1', contactId: `K${attempt}`, attemptId: `K${attempt}#1`, attemptNumber: 1, interactionId: `camp-1/K${attempt}/1`, dialLevel: null });
const queued = (at: number): LedgerEvent<'QueueEntered'> =>
  byDialer('QueueEntered', at, { visitId: `${interactionId}/outbound`, queueId: 'outbound-collections', tier: 'STANDARD', priority: 1000, requiredSkills: [], position: 1, expectedWaitMs: null, intent: 'payment_reminder' }, { interactionId, dataSubject: 'customer:C-1' });
const offered = (at: number): LedgerEvent<'InteractionOffered'> =>
  byDialer('InteractionOffered', at, { offerId: 'offer-1', agentId: 'SIM-COL001', queueId: 'outbound-collections', ringTimeoutMs: 20_000, attempt: 1 }, { interactionId, component: 'streams/routing' });
const advance = (until: number): TrafficInput => ({ type: 'Advance', until });
const ofType = <T extends AnyLedgerEvent['type']>(events: readonly AnyLedgerEvent[], type: T) => events.filter((e): e is Extract<AnyLedgerEvent, { type: T }> => e.type === type);

/** The dial answered: its result, and the input times after it. */
function answeredDial(scenario: Scenario): { given: TrafficInput[]; answeredAt: number } {
  const decider = trafficDecider(scenario, options);
  const state = decider.initialState();
  const given: TrafficInput[] = [advance(ten), dialled(ten)];
  for (const input of given) decider.decide(input, state);
  const [result] = ofType(decider.decide(advance(ten + 30_000), state), 'DialResult');
  given.push(advance(result.metadata.occurredAt));
  return { given, answeredAt: result.metadata.occurredAt };
}

describe('simulator as the telephony of outbound campaigns', () => {
  it('reports the result of a dial after its ring time, nothing before', () => {
    const spec = deciderSpec(trafficDecider(campaignFloor({ telephony: { answer: 1, busy: 0, voicemail: 0, failed: 0 } }), options));
    spec.given([advance(ten)]).when(dialled(ten)).then([]);
    spec.given([advance(ten), dialled(ten)]).when(advance(ten + 30_000)).thenCheck(([first, ...rest]) => {
      expect(rest).to.deep.equal([]);
      const result = first as LedgerEvent<'DialResult'>;
      expect(result).to.deep.include({ type: 'DialResult', data: { campaignId: 'camp-1', contactId: 'K1', attemptId: 'K1#1', result: 'ANSWERED', ringMs: result.data.ringMs, agentId: null, interactionId, sipCause: null } });
      expect(result.data.ringMs).to.be.within(4000, 18_000);
      expect(result.metadata.occurredAt).to.equal(ten + (result.data.ringMs ?? 0));
      expect(result.metadata.producer.component).to.equal('producers/simulator');
    });
  });

  it('reports busy lines with SIP 486, failed ones with 503', () => {
    const outcome = (telephony: OutboundSpec['telephony']) => {
      const decider = trafficDecider(campaignFloor({ telephony }), options);
      const state = decider.initialState();
      for (const input of [advance(ten), dialled(ten)]) decider.decide(input, state);
      return ofType(decider.decide(advance(ten + 60_000), state), 'DialResult')[0].data;
    };
    expect(outcome({ answer: 0, busy: 1, voicemail: 0, failed: 0 })).to.include({ result: 'BUSY', sipCause: 486 });
    expect(outcome({ answer: 0, busy: 0, voicemail: 0, failed: 1 })).to.include({ result: 'FAILED', sipCause: 503 });
    expect(outcome({ answer: 0, busy: 0, voicemail: 1, failed: 0 })).to.include({ result: 'VOICEMAIL', sipCause: null });
    expect(outcome({ answer: 0, busy: 0, voicemail: 0, failed: 0 })).to.include({ result: 'NO_ANSWER', ringMs: 30_000 });
  });

  it('gives the same results for the same seed, other results for another, in the scenario shares', () => {
    const results = (seed: number): string[] => {
      const decider = trafficDecider(campaignFloor(), { ...options, seed });
      const state = decider.initialState();
      decider.decide(advance(ten), state);
      for (let n = 1; n <= 200; n++) decider.decide(dialled(ten, n), state);
      return ofType(decider.decide(advance(ten + 60_000), state), 'DialResult').map((e) => `${e.data.attemptId} ${e.data.result} ${e.data.ringMs}`);
    };
    const first = results(11);
    expect(first).to.have.length(200);
    expect(results(11)).to.deep.equal(first);
    expect(results(12)).not.to.deep.equal(first);
    const answered = first.filter((r) => r.includes('ANSWERED')).length;
    expect(answered).to.be.within(40, 80); // 30% of 200, well inside binomial spread
    expect(new Set(first.map((r) => r.split(' ')[1]))).to.have.all.keys('ANSWERED', 'BUSY', 'VOICEMAIL', 'NO_ANSWER', 'FAILED');
  });

  it('answers routing\'s offer of an answered campaign call, talks, and records the promise to pay at wrap-up', () => {
    const scenario = campaignFloor({ telephony: { answer: 1, busy: 0, voicemail: 0, failed: 0 }, outcomes: { PROMISE_TO_PAY: 1 } });
    const { given, answeredAt } = answeredDial(scenario);
    const spec = deciderSpec(trafficDecider(scenario, options));
    const inputs = [...given, queued(answeredAt), offered(answeredAt + 100)];
    spec.given(inputs).when(advance(answeredAt + 3000)).then([
      { type: 'InteractionAnswered', data: { agentId: 'SIM-COL001', offerId: 'offer-1', queueId: 'outbound-collections' }, metadata: { interactionId, dataSubject: 'customer:C-1' } },
      { type: 'AgentStateChanged', data: { agentId: 'SIM-COL001', state: 'BUSY', interactionId } },
    ]);
    spec.given([...inputs, advance(answeredAt + 3000)]).when(advance(answeredAt + 3_600_000)).thenCheck((events) => {
      expect(events.map((e) => e.type)).to.deep.equal(['InteractionEnded', 'AgentStateChanged', 'WrapUpCompleted', 'AgentStateChanged']);
      const [wrapUp] = ofType(events, 'WrapUpCompleted');
      expect(wrapUp.metadata).to.include({ interactionId, dataSubject: 'customer:C-1' });
      expect(wrapUp.data).to.include({ agentId: 'SIM-COL001', disposition: 'PROMISE_TO_PAY', intent: 'payment_reminder', followUpRequired: true });
      const fields = Object.fromEntries(wrapUp.data.ticketFields.map((f) => [f.name, f.value]));
      expect(fields.promiseDate).to.match(/^2026-(11-(2[4-9]|30)|12-0[1-7])$/);
      expect(Number(fields.promiseAmount)).to.be.greaterThan(0);
      expect(fields.promiseAmount).to.match(/^\d+\.\d{2}$/);
    });
  });

  it('records the other outcomes without ticket fields', () => {
    const scenario = campaignFloor({ telephony: { answer: 1, busy: 0, voicemail: 0, failed: 0 }, outcomes: { WRONG_NUMBER: 1 } });
    const { given, answeredAt } = answeredDial(scenario);
    deciderSpec(trafficDecider(scenario, options)).given([...given, queued(answeredAt), offered(answeredAt + 100)]).when(advance(answeredAt + 3_600_000)).thenCheck((events) => {
      expect(ofType(events, 'WrapUpCompleted').map((e) => [e.data.disposition, e.data.ticketFields.length])).to.deep.equal([['WRONG_NUMBER', 0]]);
    });
  });

  it('hangs up when the dialer judges the answered call dropped (no agent within the grace)', () => {
    const scenario = campaignFloor({ telephony: { answer: 1, busy: 0, voicemail: 0, failed: 0 } });
    const { given, answeredAt } = answeredDial(scenario);
    const drop = byDialer('DialResult', answeredAt + 3000, { campaignId: 'camp-1', contactId: 'K1', attemptId: 'K1#1', result: 'DROPPED', ringMs: null, agentId: null, interactionId, sipCause: null });
    const spec = deciderSpec(trafficDecider(scenario, options));
    spec.given([...given, queued(answeredAt), advance(answeredAt + 3000)]).when(drop).then([
      { type: 'InteractionAbandoned', data: { stage: 'QUEUE', queueId: 'outbound-collections' }, metadata: { interactionId } },
      { type: 'InteractionEnded', data: { endedBy: 'CUSTOMER', agentId: null }, metadata: { interactionId } },
    ]);
    // The verdict can come before the call's QueueEntered (another topic): the customer hangs up as soon as the call is known.
    spec.given([...given, drop]).when(queued(answeredAt)).then([{ type: 'InteractionAbandoned' }, { type: 'InteractionEnded' }]);
    // A call an agent already answered goes on.
    spec.given([...given, queued(answeredAt), offered(answeredAt + 100), advance(answeredAt + 3000)]).when(drop).then([]);
  });

  it('leaves dials to another telephony: without an outbound section, or when the dial is not the dialer\'s', () => {
    const { outbound: _none, ...withoutOutbound } = campaignFloor();
    deciderSpec(trafficDecider(withoutOutbound, options)).given([advance(ten), dialled(ten)]).when(advance(ten + 60_000)).then([]);
    const notTheDialer = { ...dialled(ten), metadata: { ...dialled(ten).metadata, producer: { component: 'test', version: '1' } } };
    deciderSpec(trafficDecider(campaignFloor(), options)).given([advance(ten), notTheDialer]).when(advance(ten + 60_000)).then([]);
    // A campaign call the simulator did not answer as the telephony is declined, never taken.
    deciderSpec(trafficDecider(withoutOutbound, options)).given([advance(ten)]).when(offered(ten + 100)).then([{ type: 'OfferDeclined', data: { offerId: 'offer-1', agentId: 'SIM-COL001' } }]);
  });
});
