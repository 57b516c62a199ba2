import { expect } from 'chai';
import { deciderSpec } from '../../test/support/decider-spec.ts';
import { CallBuilder } from '../../test/support/call-builder.ts';
import { defaultQaRules } from '../rules/defaults.ts';
import { RuleValidationError } from '../rules/rule-document.ts';
import { createQaDecider } from './qa.decider.ts';
import { parseQaRules } from './qa-rules.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';

const decider = createQaDecider({ rules: defaultQaRules() });
const spec = deciderSpec(decider);
const call = (language = 'zh-CN') => new CallBuilder({ interactionId: 'ix-qa', language });
const run = (given: readonly AnyLedgerEvent[], when: AnyLedgerEvent) => {
  const state = decider.initialState();
  for (const e of given) decider.decide(e, state);
  return decider.decide(when, state);
};

describe('QA decider', () => {
  describe('prohibited phrase', () => {
    it('records a finding with the rule, version, severity and evidence when the agent says it', () => {
      const c = call();
      spec.given([c.agent('您好，很高兴为您服务')]).when(c.agent('这款产品保本保息，稳赚不赔')).then([
        { type: 'QaFindingRecorded', data: { ruleId: 'qa.prohibited.return-promise', ruleVersion: 1, category: 'FORBIDDEN_WORDS', severity: 'CRITICAL', pointsDeducted: 30,
          evidence: [{ segmentId: 'ix-qa-s2', startOffset: 4, endOffset: 8, term: '保本保息', matchedText: '保本保息' }, { segmentId: 'ix-qa-s2', startOffset: 9, endOffset: 13, term: '稳赚不赔', matchedText: '稳赚不赔' }] } },
      ]);
    });

    it('ignores the phrase when the customer says it', () => {
      const c = call();
      spec.given([c.agent('您好')]).when(c.customer('你们这个是不是稳赚不赔')).then([]);
    });
  });

  describe('mandatory disclosure', () => {
    it('flags a wealth sale confirmed before the risk statement', () => {
      const c = call();
      spec.given([c.agent('您好'), c.agent('这款理财产品年化收益百分之三点五')]).when(c.agent('好的，我现在为您确认购买五万元')).then([
        { type: 'QaFindingRecorded', data: { ruleId: 'qa.disclosure.wealth-risk', category: 'COMPLIANCE_DISCLOSURE', severity: 'CRITICAL', evidence: [{ term: '确认购买' }] } },
      ]);
    });

    it('accepts the sale when the statement came first', () => {
      const c = call();
      spec.given([c.agent('您好'), c.agent('这款理财产品'), c.agent('需要提醒您理财非存款、产品有风险、投资须谨慎')]).when(c.agent('好的，为您确认购买')).then([]);
    });

    it('does not apply outside the product context', () => {
      const c = call();
      spec.given([c.agent('您好')]).when(c.agent('机票已经为您确认购买')).then([]);
    });
  });

  describe('greeting and closing', () => {
    it('flags a missing greeting after the agent\'s first two segments', () => {
      const c = call();
      spec.given([c.agent('喂')]).when(c.agent('什么事')).then([{ type: 'QaFindingRecorded', data: { ruleId: 'qa.greeting', category: 'GREETING' } }]);
    });

    it('flags a missing closing when the call ends, then scores the call', () => {
      const c = call();
      const out = run([c.agent('您好，很高兴为您服务'), c.customer('我查一下余额'), c.agent('已经发到您手机上了')], c.end());
      expect(out.map((o) => o.type)).to.deep.equal(['QaFindingRecorded', 'QaScoreComputed']);
      expect(out[1].data).to.deep.include({ score: 90, maxScore: 100, passed: true, findingsCount: 1, rulesId: 'bank-qa', rulesVersion: 1, method: 'AUTOMATIC' });
    });
  });

  describe('long silence', () => {
    it('flags dead air longer than the limit', () => {
      const c = call();
      const given = [c.agent('您好'), c.customer('我要查账单')];
      c.pause(20_000);
      spec.given(given).when(c.agent('查到了')).then([{ type: 'QaFindingRecorded', data: { ruleId: 'qa.long-silence', note: 'silence of 20.7 s before this segment' } }]);
    });

    it('accepts a silence the agent announced', () => {
      const c = call();
      const given = [c.agent('您好'), c.agent('请稍等，我帮您查一下')];
      c.pause(30_000);
      spec.given(given).when(c.agent('让您久等了')).then([]);
    });
  });

  describe('talk-over', () => {
    it('flags the agent starting to speak well before the customer finished', () => {
      const c = call();
      const given = [c.agent('您好'), c.customer('我上个月的账单里面有一笔我不认识的消费想问一下')];
      spec.given(given).when(c.agent('您先别说了听我讲', { overlapMs: 2_500 })).then([{ type: 'QaFindingRecorded', data: { ruleId: 'qa.talk-over', category: 'INTERRUPTION' } }]);
    });
  });

  describe('score', () => {
    it('fails a call with a critical finding whatever the points', () => {
      const c = call();
      const out = run([c.agent('您好'), c.agent('这个零风险'), c.agent('还有什么可以帮您')], c.end());
      expect(out[0].data).to.deep.include({ score: 70, passed: false, findingsCount: 1 });
      expect(out[0].type).to.equal('QaScoreComputed');
    });
  });

  describe('rule documents', () => {
    it('names the field and the rule of an invalid rule', () => {
      const rules = JSON.parse(JSON.stringify(defaultQaRules().document));
      rules.rules[5].maxGapMs = 'long';
      try {
        parseQaRules(rules);
        expect.fail('accepted');
      } catch (error) {
        expect((error as RuleValidationError).errors[0]).to.deep.include({ field: 'rules.5.maxGapMs', rule: 'type', ruleId: 'qa.long-silence' });
      }
    });
  });
});
