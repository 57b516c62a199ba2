import { expect } from 'chai';
import type { AnyLedgerEvent, LedgerEvent, LedgerEventMap } from '../../schemas/generated/events.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import { InMemoryDataKeyStore } from '../../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import { deciderSpec } from '../../test/support/decider-spec.ts';
import { InMemorySchemaRegistry } from '../../test/support/in-memory-schema-registry.ts';
import { simulateOffline } from './offline-day.ts';
import { fileURLToPath } from 'node:url';
import { loadScenario, type Scenario } from './scenario.ts';
import { shippedScenarios } from './scenario-files.ts';
import { trafficDecider, type TrafficInput } from './traffic.decider.ts';
import type { TrafficOptions } from './traffic-state.ts';

const bankDay = loadScenario(fileURLToPath(shippedScenarios['bank-day']));
/** Monday 2026-11-23 09:00 in Shanghai. */
const nine = Date.UTC(2026, 10, 23, 1, 0);
const options: TrafficOptions = { seed: 7, start: nine, site: 'sh', runTag: 't' };

/** One agent who never answers unless told to, a steady stream of callers. */
const oneAgent: Scenario = {
  ...bankDay,
  arrivals: { scale: 1, curve: [{ at: '00:00', callsPerHour: 600 }] },
  agents: { ...bankDay.agents, noAnswerShare: 0, ringDelaySeconds: { mean: 4, cv: 0 }, notReadySeconds: 45, groups: [{ prefix: 'SIM-T', count: 1, skills: { retail: 9, 'credit-card': 9, 'internet-banking': 9, securities: 9, video: 9 }, shift: { start: '08:00', end: '18:00' }, breaks: [] }] },
};

function routingEvent<T extends keyof LedgerEventMap>(type: T, at: number, interactionId: string | null, data: LedgerEventMap[T]): LedgerEvent<T> {
  return {
    type,
    metadata: { eventId: `r-${type}-${at}`, eventType: type, occurredAt: at, recordedAt: at, sourceSystem: 'new', interactionId, correlationId: null, causationId: null, producer: { component: 'streams/routing', version: '1' }, dataSubject: null },
    data,
  };
}

/** Runs the decider until the first call enters a queue; returns the inputs so far and that event. */
function untilFirstQueued(scenario: Scenario): { inputs: TrafficInput[]; queued: LedgerEvent<'QueueEntered'> } {
  const decider = trafficDecider(scenario, options);
  const state = decider.initialState();
  const inputs: TrafficInput[] = [];
  for (let until = nine; until < nine + 3_600_000; until += 1000) {
    const input: TrafficInput = { type: 'Advance', until };
    inputs.push(input);
    const queued = decider.decide(input, state).find((e): e is LedgerEvent<'QueueEntered'> => e.type === 'QueueEntered');
    if (queued) return { inputs, queued };
  }
  throw new Error('no call queued within an hour');
}

describe('traffic simulator', () => {
  describe('with the same scenario and seed', () => {
    it('produces the same events, ids included', () => {
      const run = (): AnyLedgerEvent[] => {
        const decider = trafficDecider(bankDay, options);
        const state = decider.initialState();
        return decider.decide({ type: 'Advance', until: nine + 20 * 60_000 }, state);
      };
      const first = run();
      expect(first.length).to.be.greaterThan(500);
      expect(run()).to.deep.equal(first);
    });

    it('produces other events with another seed', () => {
      const decider = trafficDecider(bankDay, { ...options, seed: 8 });
      const events = decider.decide({ type: 'Advance', until: nine + 20 * 60_000 }, decider.initialState());
      const again = trafficDecider(bankDay, options);
      expect(events.map((e) => e.metadata.eventId)).not.to.deep.equal(again.decide({ type: 'Advance', until: nine + 20 * 60_000 }, again.initialState()).map((e) => e.metadata.eventId));
    });
  });

  describe('run again later with the same seed (a restart of make run)', () => {
    it('shares no event id with the earlier run, so consumers deduplicating on ids drop nothing of it', () => {
      const idsOf = (start: number, runTag: string): string[] => {
        const decider = trafficDecider(bankDay, { ...options, start, runTag });
        return decider.decide({ type: 'Advance', until: start + 20 * 60_000 }, decider.initialState()).map((e) => e.metadata.eventId);
      };
      const first = idsOf(nine, `7-${nine.toString(36)}`);
      const later = idsOf(nine + 60_000, `7-${(nine + 60_000).toString(36)}`);
      expect(new Set(first).size).to.equal(first.length);
      expect(later.filter((id) => first.includes(id))).to.deep.equal([]);
      for (const id of [...first, ...later]) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
  });

  describe('through the product routing, for an hour of the morning peak', () => {
    it('produces only events the catalogue encodes, every type of a call among them', async function () {
      this.timeout(60_000);
      const codec = new EventCodec({ catalogue: loadCatalogue(), registry: new InMemorySchemaRegistry(), personalData: new PersonalDataProtector(new InMemoryDataKeyStore()) });
      const events: AnyLedgerEvent[] = [];
      simulateOffline(bankDay, options, 3_600_000, (event) => events.push(event));
      for (const event of events) await codec.encode(event);
      const types = new Set(events.filter((e) => e.metadata.producer.component === 'producers/simulator').map((e) => e.type));
      expect([...types].sort()).to.include.members([
        'AgentLoggedIn', 'AgentStateChanged', 'ConferenceStarted', 'CustomerIdentified', 'InteractionAbandoned', 'InteractionAnswered', 'InteractionEnded', 'InteractionStarted',
        'InteractionTransferred', 'IvrExited', 'IvrInputReceived', 'IvrNodeEntered', 'QueueEntered', 'QueuePositionAnnounced', 'TranscriptSegmentRecognized', 'VoiceprintVerified', 'WrapUpCompleted',
      ]);
    });
  });

  describe('at the start of a shift', () => {
    it('logs the agents in and makes them available, under their own ids', () => {
      deciderSpec(trafficDecider(oneAgent, options)).given([]).when({ type: 'Advance', until: nine }).then([
        { type: 'AgentLoggedIn', data: { agentId: 'SIM-T001', site: 'sh' }, metadata: { occurredAt: nine, sourceSystem: 'simulator', producer: { component: 'producers/simulator' } } },
        { type: 'AgentStateChanged', data: { agentId: 'SIM-T001', state: 'AVAILABLE' } },
      ]);
    });
  });

  describe('when routing offers a waiting call to a simulated agent', () => {
    it('answers after the ring delay and goes busy', () => {
      const { inputs, queued } = untilFirstQueued(oneAgent);
      const at = queued.metadata.occurredAt;
      const interactionId = queued.metadata.interactionId;
      const offer = routingEvent('InteractionOffered', at, interactionId, { offerId: `${queued.data.visitId}/offer-1`, agentId: 'SIM-T001', queueId: queued.data.queueId, ringTimeoutMs: 20_000, attempt: 1 });
      const spec = deciderSpec(trafficDecider(oneAgent, options));
      spec.given(inputs).when(offer).then([]);
      spec.given([...inputs, offer]).when({ type: 'Advance', until: at + 4000 }).thenCheck((events) => {
        const answered = events.filter((e) => e.metadata.interactionId === interactionId);
        expect(answered.slice(0, 2).map((e) => [e.type, e.metadata.occurredAt])).to.deep.equal([['InteractionAnswered', at + 4000], ['AgentStateChanged', at + 4000]]);
        expect(answered[0].data).to.include({ agentId: 'SIM-T001', offerId: `${queued.data.visitId}/offer-1`, ringMs: 4000 });
        expect(answered[1].data).to.include({ state: 'BUSY', interactionId });
      });
    });

    it('does not answer once routing withdrew the offer', () => {
      const { inputs, queued } = untilFirstQueued(oneAgent);
      const at = queued.metadata.occurredAt;
      const offerId = `${queued.data.visitId}/offer-1`;
      const interactionId = queued.metadata.interactionId;
      const offer = routingEvent('InteractionOffered', at, interactionId, { offerId, agentId: 'SIM-T001', queueId: queued.data.queueId, ringTimeoutMs: 20_000, attempt: 1 });
      const withdrawn = routingEvent('OfferWithdrawn', at + 1000, interactionId, { offerId, agentId: 'SIM-T001', reason: 'OTHER', ringMs: 1000 });
      deciderSpec(trafficDecider(oneAgent, options)).given([...inputs, offer, withdrawn]).when({ type: 'Advance', until: at + 10_000 }).thenCheck((events) => {
        expect(events.filter((e) => e.type === 'InteractionAnswered' && e.metadata.interactionId === interactionId)).to.have.length(0);
      });
    });
  });

  describe("when routing offers someone else's call to a simulated agent", () => {
    it('declines it, so the call goes on to a human', () => {
      const offer = routingEvent('InteractionOffered', nine + 5000, 'web-call-1', { offerId: 'web-call-1/v1/offer-1', agentId: 'SIM-T001', queueId: 'retail', ringTimeoutMs: 20_000, attempt: 1 });
      deciderSpec(trafficDecider(oneAgent, options)).given([{ type: 'Advance', until: nine + 5000 }]).when(offer).then([
        { type: 'OfferDeclined', data: { offerId: 'web-call-1/v1/offer-1', agentId: 'SIM-T001', reasonCode: 'simulated-agent' }, metadata: { interactionId: 'web-call-1' } },
      ]);
    });
  });

  describe('when routing sets a simulated agent not-ready (ring-no-answer)', () => {
    it('brings the agent back after notReadySeconds', () => {
      const breakByRouting = routingEvent('AgentStateChanged', nine + 1000, null, { agentId: 'SIM-T001', state: 'BREAK', previousState: 'AVAILABLE', reasonCode: 'ring-no-answer', interactionId: null });
      deciderSpec(trafficDecider(oneAgent, options)).given([{ type: 'Advance', until: nine + 1000 }, breakByRouting]).when({ type: 'Advance', until: nine + 46_000 }).thenCheck((events) => {
        expect(events.filter((e) => e.metadata.eventType === 'AgentStateChanged').map((e) => [e.metadata.occurredAt, (e.data as { state: string }).state])).to.deep.equal([[nine + 46_000, 'AVAILABLE']]);
      });
    });
  });

  describe('when stopped', () => {
    it('ends every call in progress and logs every agent out', () => {
      deciderSpec(trafficDecider(oneAgent, options)).given([{ type: 'Advance', until: nine + 10 * 60_000 }]).when({ type: 'Stop' }).thenCheck((events, state) => {
        expect(events.filter((e) => e.type === 'InteractionEnded').length).to.be.greaterThan(0);
        expect(events.filter((e) => e.type === 'AgentLoggedOut').map((e) => (e.data as { agentId: string }).agentId)).to.deep.equal(['SIM-T001']);
        expect(state.calls.size).to.equal(0);
      });
    });
  });

  describe('when the arrival scale triples (a surge)', () => {
    it('about triples the arrivals', () => {
      const count = (scale: number): number => {
        const decider = trafficDecider(oneAgent, options);
        const state = decider.initialState();
        decider.decide({ type: 'Rescale', scale }, state);
        return decider.decide({ type: 'Advance', until: nine + 3_600_000 }, state).filter((e) => e.type === 'InteractionStarted' && (e.data as { channel: string }).channel !== 'APP').length;
      };
      const ratio = count(3) / count(1);
      expect(ratio).to.be.within(2.5, 3.5);
    });
  });
});
