import { expect } from 'chai';
import { catalogue } from '../../schemas/catalogue.ts';
import { InMemoryDataKeyStore } from '../../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import type { CustomerContact } from '../../projections/customer-history/customer-history.queries.ts';
import { contactsShownTo, historyFieldsRevealed, SUMMARY_FIELD } from './contact-summaries.ts';

const contact = (summary: string | null, summarySubject: string | null): CustomerContact => ({
  interactionId: 'ix-1', channel: 'VOICE', direction: 'INBOUND', sourceSystem: 'new', startedAt: 1, lastAt: 2, endedAt: 2, tier: 'VIP', queueId: 'cards', intent: 'card_loss',
  outcome: 'RESOLVED', disposition: 'DONE', agentId: 'A1', summary, summarySubject, ticketId: null, ticketTemplate: null, ticketStatus: null, followUpRequired: false,
  riskFlags: ['FRAUD_WORDS:HIGH', 'VOICEPRINT:LOW'], blockedOperations: [],
});

describe('customer history contacts shown to a reader', () => {
  const keys = new InMemoryDataKeyStore();
  const personalData = new PersonalDataProtector(keys);
  const parts = { personalData, catalogue: catalogue() };
  const definition = catalogue().get('SummaryGenerated');
  const encrypted = async (subject: string, text: string) =>
    (await personalData.protect(definition, { metadata: { dataSubject: subject, eventType: 'SummaryGenerated' }, data: { summary: text } })).data.summary;

  describe('when the summary is encrypted as in the log', () => {
    it('decrypts it for an agent and compliance, redacts it for a supervisor, and never shows the subject', async () => {
      const stored = await encrypted('customer:C-1', 'Card lost; reissued.');
      expect(stored).to.match(/^pii:v1:/);
      const [forAgent] = await contactsShownTo('agent', [contact(stored, 'customer:C-1')], parts);
      const [forCompliance] = await contactsShownTo('compliance', [contact(stored, 'customer:C-1')], parts);
      const [forSupervisor] = await contactsShownTo('supervisor', [contact(stored, 'customer:C-1')], parts);
      expect([forAgent.summary, forCompliance.summary, forSupervisor.summary]).to.deep.equal(['Card lost; reissued.', 'Card lost; reissued.', '[redacted]']);
      expect(forAgent).to.not.have.property('summarySubject');
      expect(forAgent).to.include({ riskFlags: 'FRAUD_WORDS:HIGH,VOICEPRINT:LOW', blockedOperations: '' });
      expect(historyFieldsRevealed('agent', [forAgent])).to.deep.equal([SUMMARY_FIELD]);
      expect(historyFieldsRevealed('supervisor', [forSupervisor])).to.deep.equal([]);
    });

    it('reads [erased] once the subject was crypto-shredded', async () => {
      const stored = await encrypted('customer:C-2', 'Address change.');
      await keys.shred('customer:C-2');
      const [shown] = await contactsShownTo('compliance', [contact(stored, 'customer:C-2')], parts);
      expect(shown.summary).to.equal('[erased]');
    });
  });

  describe('when a contact has no summary', () => {
    it('shows null and reveals nothing', async () => {
      const rows = await contactsShownTo('agent', [contact(null, null)], parts);
      expect(rows[0].summary).to.equal(null);
      expect(historyFieldsRevealed('agent', rows)).to.deep.equal([]);
    });
  });
});
