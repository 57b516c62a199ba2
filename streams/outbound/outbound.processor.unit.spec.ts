import { expect } from 'chai';
import type { InputEvent, InputSource, ProcessorOutput } from '../runtime/processor.ts';
import { outboundSequencer, type OutboundSequencerState } from './outbound.processor.ts';

let offset = 0;
const source = (topic: string): InputSource => ({ topic, partition: 0, offset: offset++, key: null, timestamp: 0 });
const input = (type: string, data: object, options: { interactionId?: string; producer?: string } = {}): InputEvent => ({
  type, data,
  metadata: { eventId: `e-${offset}`, occurredAt: 0, interactionId: options.interactionId ?? null, correlationId: null, producer: { component: options.producer ?? 'telephony' } },
});
const forwardedTo = (outputs: readonly ProcessorOutput[]): string[] => outputs.map((o) => ('forward' in o ? `${o.forward.topic}:${o.forward.key}` : o.type));

function run(state: OutboundSequencerState, topic: string, event: InputEvent): readonly ProcessorOutput[] {
  const accepted = outboundSequencer.accept(event);
  return accepted ? outboundSequencer.decide(accepted, state, source(topic)) : [];
}

describe('outbound sequencer', () => {
  it('puts campaign events, agents of the site and answers of campaign calls on the site\'s input stream', () => {
    const state = outboundSequencer.initialState();
    expect(forwardedTo(run(state, 'ledger.outbound', input('CampaignStarted', { campaignId: 'c1', config: JSON.stringify({ site: 'sh' }) })))).to.deep.equal(['ledger.outbound.inputs:sh']);
    expect(forwardedTo(run(state, 'ledger.outbound', input('ContactScheduled', { campaignId: 'c1' })))).to.deep.equal(['ledger.outbound.inputs:sh']);
    expect(forwardedTo(run(state, 'ledger.agents', input('AgentLoggedIn', { agentId: 'a1', site: 'sh' })))).to.deep.equal(['ledger.outbound.inputs:sh']);
    expect(forwardedTo(run(state, 'ledger.agents', input('AgentStateChanged', { agentId: 'a1' })))).to.deep.equal(['ledger.outbound.inputs:sh']);
    // The dialer's own call start is learnt, not forwarded; the call's answer is forwarded; an inbound call's is not.
    expect(run(state, 'ledger.interactions', input('InteractionStarted', { campaignId: 'c1', site: 'sh' }, { interactionId: 'ix-1', producer: 'streams/outbound' }))).to.deep.equal([]);
    expect(forwardedTo(run(state, 'ledger.interactions', input('InteractionAnswered', {}, { interactionId: 'ix-1' })))).to.deep.equal(['ledger.outbound.inputs:sh']);
    expect(run(state, 'ledger.interactions', input('InteractionAnswered', {}, { interactionId: 'ix-inbound' }))).to.deep.equal([]);
  });

  it('does not feed the dialer its own decisions back', () => {
    const state = outboundSequencer.initialState();
    run(state, 'ledger.outbound', input('CampaignStarted', { campaignId: 'c1', config: JSON.stringify({ site: 'sh' }) }));
    expect(run(state, 'ledger.outbound', input('DialResult', { campaignId: 'c1' }, { producer: 'streams/outbound' }))).to.deep.equal([]);
    expect(run(state, 'ledger.outbound', input('DialAttempted', { campaignId: 'c1' }, { producer: 'streams/outbound' }))).to.deep.equal([]);
  });

  it('refuses events of a campaign no CampaignStarted placed, and a campaign without a site', () => {
    const state = outboundSequencer.initialState();
    expect(() => run(state, 'ledger.outbound', input('DialResult', { campaignId: 'c9' }))).to.throw(/campaignId: no CampaignStarted placed campaign 'c9' at a site \[unknown-campaign\]/);
    expect(() => run(state, 'ledger.outbound', input('CampaignStarted', { campaignId: 'c2', config: '{}' }))).to.throw(/config\.site: campaign 'c2' names no site \[required\]/);
  });
});
