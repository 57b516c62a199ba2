import { expect } from 'chai';
import { sampleEvent } from '../../schemas/fixtures/samples.ts';
import { screenPopOf } from './screen-pop.ts';

describe('screen pop', () => {
  describe('when a VIP card-loss call is offered', () => {
    it('shows the customer, tier, IVR path, intent, voiceprint, risk so far and the ticket pre-fill', () => {
      const types = ['InteractionStarted', 'IvrNodeEntered', 'IvrInputReceived', 'CustomerIdentified', 'VoiceprintVerified', 'IvrExited', 'QueueEntered', 'InteractionOffered', 'RiskAlertRaised', 'TicketFieldsExtracted'];
      const pop = screenPopOf('ix-1', types.map((t) => sampleEvent(t)), null);
      expect(pop.customer).to.include({ customerId: 'C0031884219', tier: 'VIP' });
      expect(pop.tier).to.equal('VIP');
      expect(pop.channel).to.equal('VOICE');
      expect(pop.ivrPath.map((n) => n.nodeId)).to.deep.equal(['card-services']);
      expect(pop.ivrExit?.reason).to.be.a('string');
      expect(pop.intent).to.be.a('string');
      expect(pop.voiceprint?.result).to.be.a('string');
      expect(pop.riskAlerts).to.have.length(1);
      expect(pop.ticketPrefill?.fields.length).to.be.greaterThan(0);
      expect(pop.offer?.agentId).to.equal('A1024');
      expect(pop.history).to.equal(null);
    });
  });
});
