import { expect } from 'chai';
import type { InputEvent, InputSource, ProcessorOutput } from '../runtime/processor.ts';
import { event, routing as ev } from '../../test/support/routing-events.ts';
import { routingComponent } from './routing.decider.ts';
import { routingInputsTopic, routingProcessor, routingSequencer, UnroutableInput } from './routing.processor.ts';

const source = (offset: number, key: string | null = null): InputSource => ({ topic: 'ledger.interactions', partition: 0, offset, key, timestamp: 0 });
const sites = (outputs: readonly ProcessorOutput[]): string[] => outputs.map((o) => ('forward' in o ? `${o.forward.topic} ${o.forward.key}` : 'decision'));

describe('routing sequencer', function () {
  const sequencer = routingSequencer(['sh', 'bj']);
  const started = (interactionId: string, site: string) => event('InteractionStarted', 0, {
    interactionId, channel: 'VOICE', direction: 'INBOUND', callerNumber: null, dialledNumber: null, site, previousInteractionId: null, campaignId: null, contactId: null, externalCallId: null,
  }, interactionId);
  const feed = (events: readonly InputEvent[]) => {
    const state = sequencer.initialState();
    const outputs: ProcessorOutput[][] = [];
    events.forEach((e, i) => {
      const accepted = sequencer.accept(e);
      outputs.push(accepted ? [...sequencer.decide(accepted, state, source(i))] : []);
    });
    return { state, outputs };
  };

  describe('when an interaction started at a site', function () {
    it('forwards its routing inputs keyed by that site', function () {
      const { outputs } = feed([started('c1', 'bj'), ev.queued('c1', 'cards', 1)]);
      expect(outputs[0]).to.deep.equal([]);
      expect(outputs[1]).to.deep.equal([{ forward: { topic: routingInputsTopic, key: 'bj' } }]);
    });

    it('forgets it when it ends', function () {
      const { state } = feed([started('c1', 'bj'), ev.ended('c1', 2)]);
      expect(state.interactions.size).to.equal(0);
    });
  });

  describe('when an agent logs in', function () {
    it('forwards the agent\'s events to the agent\'s site', function () {
      const { outputs } = feed([ev.login('a1', {}, 0), ev.state('a1', 'AVAILABLE', 1)]);
      expect(sites(outputs.flat())).to.deep.equal([`${routingInputsTopic} sh`, `${routingInputsTopic} sh`]);
    });
  });

  describe('when a policy is published', function () {
    it('broadcasts it to every site, or to the sites the document names', function () {
      const { outputs } = feed([ev.policy({ queues: [{ id: 'q', requiredSkills: [] }] }), ev.policy({ sites: ['bj'], queues: [{ id: 'q', requiredSkills: [] }] }, { version: 2 })]);
      expect(sites(outputs[0])).to.deep.equal([`${routingInputsTopic} sh`, `${routingInputsTopic} bj`]);
      expect(sites(outputs[1])).to.deep.equal([`${routingInputsTopic} bj`]);
    });
  });

  describe('with input it cannot place', function () {
    it('refuses a queue entry of an interaction no InteractionStarted announced', function () {
      expect(() => feed([ev.queued('ghost', 'cards', 1)])).to.throw(UnroutableInput, /no InteractionStarted gave the site of interaction 'ghost' \[unknown-interaction\]/);
    });

    it('refuses a state change of an agent who never logged in, but not their going offline', function () {
      expect(() => feed([ev.state('ghost', 'AVAILABLE', 1)])).to.throw(UnroutableInput, /agent 'ghost' has not logged in at any site \[unknown-agent\]/);
      expect(feed([ev.state('ghost', 'OFFLINE', 1)]).outputs).to.deep.equal([[]]);
    });

    it('drops the end of a call routing never saw (an IVR-only call)', function () {
      expect(feed([ev.ended('ivr-only', 1)]).outputs).to.deep.equal([[]]);
    });
  });

  it('does not feed routing its own decisions back', function () {
    const own = ev.state('a1', 'BREAK', 1);
    const echoed = { ...own, metadata: { ...own.metadata, producer: { component: routingComponent, version: '1' } } };
    expect(sequencer.accept(echoed)).to.equal(undefined);
  });
});

describe('routing processor', function () {
  it('keeps one decider state per site sharing a partition', function () {
    const states = routingProcessor.initialState();
    const decide = (input: InputEvent, site: string) => routingProcessor.decide(routingProcessor.accept(input) ?? (() => { throw new Error('not accepted'); })(), states, source(0, site));
    decide(ev.login('a1', {}, 0), 'sh');
    decide(ev.state('a1', 'AVAILABLE', 0), 'sh');
    expect(decide(ev.queued('c1', 'default', 1), 'bj').map((d) => 'type' in d && d.type)).to.deep.equal(['RoutingDecided']);
    expect(decide(ev.queued('c2', 'default', 1), 'sh').map((d) => 'type' in d && d.type)).to.deep.equal(['RoutingDecided', 'InteractionOffered']);
    const restored = routingProcessor.fromSnapshot(JSON.parse(JSON.stringify(routingProcessor.toSnapshot(states))));
    expect([...restored.keys()]).to.deep.equal(['sh', 'bj']);
  });
});
