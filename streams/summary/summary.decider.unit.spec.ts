import { expect } from 'chai';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { deciderSpec } from '../../test/support/decider-spec.ts';
import { CallBuilder } from '../../test/support/call-builder.ts';
import { createSummaryDecider } from './summary.decider.ts';
import { asciiDigits, extractFields } from './extractors.ts';

const spec = deciderSpec(createSummaryDecider());

describe('summary decider', () => {
  describe('card loss', () => {
    it('pre-fills the ticket as the customer speaks, from the IVR intent', () => {
      const c = new CallBuilder({ interactionId: 'ix-s' });
      spec.given([c.ivr('card_loss'), c.agent('您好')]).when(c.customer('我的信用卡尾号六二八一，昨天晚上在地铁上弄丢了')).then([
        { type: 'TicketFieldsExtracted', data: { intent: 'card_loss', templateId: 'ticket.card-loss.v1', fields: [{ name: 'cardLast4', value: '6281' }, { name: 'lostWhen', value: '昨天晚上' }, { name: 'lostWhere', value: '地铁上' }] } },
      ]);
    });

    it('finds the intent in the transcript when the IVR had none, and writes a summary at the end', () => {
      const c = new CallBuilder({ interactionId: 'ix-s', language: 'en-US' });
      const given = [c.agent('Good morning, how can I help?'), c.customer('I think my debit card was stolen, the last four digits are 4 4 1 9'), c.customer('I left it on the bus this morning')];
      spec.given(given).when(c.end()).then([
        { type: 'SummaryGenerated', data: { intent: 'card_loss', language: 'en-US', summary: 'Intent: Card loss report. card ending: 4419; lost: this morning; where: the bus. 2 customer and 1 agent segments.' } },
      ]);
    });
  });

  describe('the customer\'s questions', () => {
    it('are counted by category in the summary, statements and agent questions left out (zh)', () => {
      const c = new CallBuilder({ interactionId: 'ix-q-zh' });
      const given = [c.agent('请问有什么可以帮您？'), c.customer('我的卡丢了。请问怎么挂失？'), c.customer('挂失以后补卡要多少钱？'), c.customer('怎么挂失呢'), c.customer('好的，谢谢。')];
      spec.given(given).when(c.end()).then([
        { type: 'SummaryGenerated', data: { questions: [{ category: 'card.lost-how-to-report', count: 2 }, { category: 'card.replace-fee', count: 1 }], questionTaxonomy: 'questions-2026.11' } },
      ]);
    });

    it('are counted by category in the summary (en), a call without questions has none', () => {
      const c = new CallBuilder({ interactionId: 'ix-q-en', language: 'en-US' });
      spec.given([c.customer('What is the transfer limit on the app?'), c.customer('I also forgot my password, how do I reset it?')]).when(c.end()).then([
        { type: 'SummaryGenerated', data: { questions: [{ category: 'password.reset', count: 1 }, { category: 'transfer.limit', count: 1 }] } },
      ]);
      const quiet = new CallBuilder({ interactionId: 'ix-q-none', language: 'en-US' });
      spec.given([quiet.customer('I lost my card on the bus this morning.')]).when(quiet.end()).then([
        { type: 'SummaryGenerated', data: { questions: [], questionTaxonomy: 'questions-2026.11' } },
      ]);
    });

    it('never carry a personal detail the question held', () => {
      const c = new CallBuilder({ interactionId: 'ix-q-pii', language: 'en-US' });
      spec.given([c.customer('My name is Alice Smith, card ending 4821, account 6222020200112233. How do I report my lost card?')]).when(c.end()).thenCheck((decisions) => {
        const summary = decisions.find((d) => d.type === 'SummaryGenerated')?.data as { questions: unknown; questionTaxonomy: unknown };
        const inClear = JSON.stringify([summary.questions, summary.questionTaxonomy]);
        expect(inClear).to.equal('[[{"category":"card.lost-how-to-report","count":1}],"questions-2026.11"]');
        for (const detail of ['Alice', 'Smith', '4821', '6222020200112233']) expect(inClear).not.to.include(detail);
      });
    });
  });

  describe('whose personal data the output is', () => {
    const withoutSubject = (event: AnyLedgerEvent): AnyLedgerEvent => ({ ...event, metadata: { ...event.metadata, dataSubject: null } }) as AnyLedgerEvent;

    it('a summary written when the switch ends the call (an event naming no one) belongs to the customer who spoke', () => {
      const c = new CallBuilder({ interactionId: 'ix-subject', dataSubject: 'customer:C-77', language: 'en-US' });
      spec.given([c.customer('I lost my credit card, the last four digits are 1 2 3 4')]).when(withoutSubject(c.end())).then([
        { type: 'SummaryGenerated', dataSubject: 'customer:C-77' },
      ]);
    });

    it('a caller never identified: the summary belongs to the interaction', () => {
      const c = new CallBuilder({ interactionId: 'ix-anonymous' });
      spec.given([withoutSubject(c.ivr('card_loss'))]).when(withoutSubject(c.end())).then([
        { type: 'SummaryGenerated', dataSubject: 'interaction:ix-anonymous' },
      ]);
    });
  });

  describe('extractors', () => {
    it('reads Chinese and full-width digits', () => {
      expect(asciiDigits('尾号是幺三五７')).to.equal('尾号是1357');
      expect(asciiDigits('尾号幺三五七')).to.equal('尾号1357');
    });

    it('extracts an address change and a dispute', () => {
      expect(extractFields('address_change', '我搬家了，新地址是上海市浦东新区世纪大道100号')).to.deep.equal({ newAddress: '上海市浦东新区世纪大道100号' });
      expect(extractFields('dispute', '上周五在京东商城消费了2999元，不是我刷的')).to.deep.equal({ amount: '2999', merchant: '京东商城', transactionDate: '上周五' });
      expect(extractFields('dispute', 'There is a charge from Acme Travel for $450.00 on my statement')).to.deep.include({ amount: '450.00', merchant: 'Acme Travel' });
    });
  });
});
