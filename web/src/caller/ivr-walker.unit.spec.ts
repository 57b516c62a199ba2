import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { catalogue as loadCatalogue } from '../../../schemas/catalogue.ts';
import { JsonEventValidator } from '../../../schemas/validation/json-event-validator.ts';
import { demoIvrFlow } from './ivr-flow.ts';
import { hangUp, pressKey, speak, startCall, type Caller, type IngestEvent } from './ivr-walker.ts';

const caller: Caller = {
  interactionId: 'ix-caller-1', site: 'shanghai', callerNumber: '+8613800000001', dialledNumber: '+8695588', customerId: 'C-1001', customerName: '王晓明', tier: 'PRIORITY', relationshipAgentId: null, language: 'zh-CN',
};
const at = (now: number) => ({ now, newId: randomUUID });
const catalogue = loadCatalogue();
const validator = new JsonEventValidator(catalogue);

/** Every event the page posts must pass ingest's validation: the Avro-derived JSON Schema, once the server stamped recordedAt and producer. */
function expectIngestible(events: readonly IngestEvent[]): void {
  for (const e of events) {
    const result = validator.validate({ ...e, metadata: { ...e.metadata, recordedAt: 0, producer: { component: 'api', version: '0' } } });
    expect(result.valid, `${e.type}: ${JSON.stringify(result.valid ? null : result.errors)}`).to.equal(true);
  }
}

describe('caller page IVR walker', () => {
  describe('when a call starts', () => {
    it('reports the call, identifies the caller by number and enters the root menu', () => {
      const step = startCall(demoIvrFlow, caller, at(1000));
      expect(step.events.map((e) => e.type)).to.deep.equal(['InteractionStarted', 'CustomerIdentified', 'IvrNodeEntered']);
      expect(step.events[2].data).to.include({ nodeId: 'root', depth: 0, previousNodeId: null });
      expect(step.state.stage).to.equal('ivr');
      expectIngestible(step.events);
    });
  });

  describe('when the caller presses 1 then 1 (cards, card loss)', () => {
    it('walks to the card-loss node, leaves the IVR to the agent and queues in cards with the intent', () => {
      const started = startCall(demoIvrFlow, caller, at(1000));
      const cards = pressKey(demoIvrFlow, started.state, '1', at(3000));
      expect(cards.events.map((e) => e.type)).to.deep.equal(['IvrInputReceived', 'IvrNodeEntered']);
      const loss = pressKey(demoIvrFlow, cards.state, '1', at(5000));
      expect(loss.events.map((e) => e.type)).to.deep.equal(['IvrInputReceived', 'IvrNodeEntered', 'IvrExited', 'QueueEntered']);
      expect(loss.events[0].data).to.include({ outcome: 'MATCHED', selectedOption: '1', intent: 'card_loss', mode: 'DTMF' });
      expect(loss.events[1].data).to.include({ nodeId: 'card-loss', depth: 2, previousNodeId: 'cards' });
      expect(loss.events[2].data).to.include({ reason: 'TO_AGENT', durationMs: 4000, nodesVisited: 3, intent: 'card_loss' });
      expect(loss.events[3].data).to.include({ queueId: 'cards', tier: 'PRIORITY', intent: 'card_loss' });
      expect(loss.state.stage).to.equal('queued');
      expectIngestible([...cards.events, ...loss.events]);
    });
  });

  describe('when the caller presses a key that is not an option', () => {
    it('records a no-match, stays at the node and counts the attempt', () => {
      const started = startCall(demoIvrFlow, caller, at(1000));
      const wrong = pressKey(demoIvrFlow, started.state, '7', at(2000));
      expect(wrong.events.map((e) => e.type)).to.deep.equal(['IvrInputReceived']);
      expect(wrong.events[0].data).to.include({ outcome: 'NO_MATCH', selectedOption: null, attempt: 1 });
      expect(wrong.state).to.include({ nodeId: 'root', attempt: 2 });
      expect(wrong.prompt).to.match(/not an option/);
    });
  });

  describe('when the caller presses 0 at the root', () => {
    it('is a zero-out into the general queue', () => {
      const out = pressKey(demoIvrFlow, startCall(demoIvrFlow, caller, at(0)).state, '0', at(1000));
      expect(out.events.find((e) => e.type === 'IvrExited')?.data).to.include({ reason: 'ZERO_OUT' });
      expect(out.events.find((e) => e.type === 'QueueEntered')?.data).to.include({ queueId: 'general' });
    });
  });

  describe('when the caller takes self-service (accounts, balance)', () => {
    it('leaves the IVR with self-service done and the call ends', () => {
      const accounts = pressKey(demoIvrFlow, startCall(demoIvrFlow, caller, at(0)).state, '2', at(1000));
      const balance = pressKey(demoIvrFlow, accounts.state, '1', at(2000));
      expect(balance.events.map((e) => e.type)).to.deep.equal(['IvrInputReceived', 'IvrNodeEntered', 'IvrExited', 'InteractionEnded']);
      expect(balance.events[2].data).to.include({ reason: 'SELF_SERVICE_DONE' });
      expect(balance.state.stage).to.equal('ended');
      expectIngestible(balance.events);
    });
  });

  describe('when the caller speaks', () => {
    it('posts numbered customer transcript segments with the language of the text', () => {
      const queued = pressKey(demoIvrFlow, startCall(demoIvrFlow, caller, at(0)).state, '0', at(1000));
      const first = speak(queued.state, '请把验证码告诉我', at(20_000));
      const second = speak(first.state, 'please tell me the verification code', at(25_000));
      expect(first.events[0].data).to.include({ segmentId: 'ix-caller-1/s0001', speaker: 'CUSTOMER', language: 'zh-CN', endMs: 20_000 });
      expect(second.events[0].data).to.include({ segmentId: 'ix-caller-1/s0002', language: 'en', endMs: 25_000 });
      expectIngestible([...first.events, ...second.events]);
    });
  });

  describe('when the caller hangs up', () => {
    it('in the IVR: an IVR abandon at the node, then the end', () => {
      const cards = pressKey(demoIvrFlow, startCall(demoIvrFlow, caller, at(0)).state, '1', at(1000));
      const gone = hangUp(demoIvrFlow, cards.state, at(9000));
      expect(gone.events.map((e) => e.type)).to.deep.equal(['IvrExited', 'InteractionAbandoned', 'InteractionEnded']);
      expect(gone.events[1].data).to.include({ stage: 'IVR', ivrNodeId: 'cards', waitedMs: 9000 });
      expectIngestible(gone.events);
    });
    it('after the IVR: the end of the call, once', () => {
      const queued = pressKey(demoIvrFlow, startCall(demoIvrFlow, caller, at(0)).state, '0', at(1000));
      const gone = hangUp(demoIvrFlow, queued.state, at(60_000));
      expect(gone.events.map((e) => e.type)).to.deep.equal(['InteractionEnded']);
      expect(hangUp(demoIvrFlow, gone.state, at(61_000)).events).to.deep.equal([]);
    });
  });

  it('keeps every personal field under the customer\'s data key (crypto-shredding)', () => {
    const step = startCall(demoIvrFlow, caller, at(0));
    expect(new Set(step.events.map((e) => e.metadata.dataSubject))).to.deep.equal(new Set(['customer:C-1001']));
  });
});
