// Given recorded calls, when a candidate risk or QA rule set is replayed over them, then the
// alerts/findings it adds and removes (against the recorded rule versions) are reported per rule.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CallBuilder } from '../../test/support/call-builder.ts';
import { defaultRuleFiles } from '../../streams/rules/defaults.ts';
import { RuleValidationError } from '../../streams/rules/rule-document.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { rulesWhatIf } from './rules-what-if.ts';

const riskDefaults = JSON.parse(readFileSync(defaultRuleFiles.risk, 'utf8')) as { fraudWords: { id: string }[] };
const giftCardRule = {
  id: 'fraud.gift-card', description: 'Caller is told to pay with gift cards', kind: 'FRAUD_WORDS', severity: 'MEDIUM', speakers: ['CUSTOMER'], stepUp: false,
  match: { phrase: { terms: ['gift card', 'gift cards', '礼品卡'] } },
};
/** Without the safe-account rule, with a gift-card rule. */
const candidateRisk = JSON.stringify({ ...riskDefaults, fraudWords: [...riskDefaults.fraudWords.filter((r) => r.id !== 'fraud.safe-account'), giftCardRule] });

function call(id: string, sentence: string): AnyLedgerEvent[] {
  const c = new CallBuilder({ interactionId: id, language: 'en-US' });
  return [c.answered(), c.say('AGENT', 'Good morning, how can I help you today?'), c.say('CUSTOMER', sentence), c.end()];
}

describe('rule-set what-if (pure)', () => {
  const calls = [
    call('ix-safe', 'The officer said I must move my savings to a safe account today.'),
    call('ix-gift', 'He wants me to pay the fee with gift cards from the supermarket.'),
    call('ix-plain', 'I would like to check the balance of my current account.'),
  ];

  it('given a safe-account call and a gift-card call, when the candidate drops the safe-account rule and adds a gift-card rule, then one alert is removed and one added', () => {
    const report = rulesWhatIf({ kind: 'risk', candidateText: candidateRisk, control: [], interactions: calls });
    expect(report).to.include({ kind: 'risk', outcome: 'RiskAlertRaised', interactions: 3, added: 1, removed: 1, candidateVersion: 2 });
    expect(report.byRule).to.deep.include({ ruleId: 'fraud.safe-account', baseline: 1, candidate: 0, added: 0, removed: 1 });
    expect(report.byRule).to.deep.include({ ruleId: 'fraud.gift-card', baseline: 0, candidate: 1, added: 1, removed: 0 });
    expect(report.examples.added).to.deep.equal([{ interactionId: 'ix-gift', ruleId: 'fraud.gift-card', kind: 'FRAUD_WORDS', severity: 'MEDIUM', explanation: report.examples.added[0].explanation, terms: ['gift cards'] }]);
    expect(report.examples.removed[0]).to.include({ interactionId: 'ix-safe', ruleId: 'fraud.safe-account' });
    expect(report.examples.removed[0].terms).to.deep.equal(['safe account']);
  });

  it('given the recorded rules as the candidate, then nothing is added or removed', () => {
    const report = rulesWhatIf({ kind: 'risk', candidateText: readFileSync(defaultRuleFiles.risk, 'utf8'), control: [], interactions: calls });
    expect(report).to.include({ added: 0, removed: 0 });
    expect(report.baseline).to.equal(report.candidate).and.to.be.greaterThan(0);
  });

  it('given a QA candidate without the greeting rule, then the greeting findings of calls without a greeting are removed', () => {
    const qa = JSON.parse(readFileSync(defaultRuleFiles.qa, 'utf8')) as { rules: { type: string }[] };
    const withoutGreeting = JSON.stringify({ ...qa, rules: qa.rules.filter((r) => r.type !== 'greeting') });
    const c = new CallBuilder({ interactionId: 'ix-rude', language: 'en-US' });
    const rude = [c.answered(), c.say('AGENT', 'What do you want.'), c.say('CUSTOMER', 'My card is blocked.'), c.say('AGENT', 'Fine.'), c.end()];
    const report = rulesWhatIf({ kind: 'qa', candidateText: withoutGreeting, control: [], interactions: [rude] });
    expect(report.outcome).to.equal('QaFindingRecorded');
    expect(report.removed).to.be.greaterThan(0);
    expect(report.examples.removed.map((o) => o.kind)).to.include('GREETING');
    expect(report.added).to.equal(0);
  });

  it('refuses an invalid candidate naming the field and the rule', () => {
    expect(() => rulesWhatIf({ kind: 'risk', candidateText: JSON.stringify({ ...riskDefaults, fraudWords: 'none' }), control: [], interactions: calls }))
      .to.throw(RuleValidationError, /fraudWords: must be array \[type\]/);
  });
});
