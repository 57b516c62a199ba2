import { expect } from 'chai';
import { deciderSpec } from '../../test/support/decider-spec.ts';
import { CallBuilder } from '../../test/support/call-builder.ts';
import { defaultRiskRules, defaultScriptLibrary } from '../rules/defaults.ts';
import { sha256 } from '../rules/policy-events.ts';
import { RuleValidationError } from '../rules/rule-document.ts';
import { createRiskDecider } from './risk.decider.ts';
import { parseRiskRules } from './risk-rules.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { Decision } from '../rules/reactor.ts';

const decider = createRiskDecider({ rules: defaultRiskRules(), scripts: defaultScriptLibrary() });
const spec = deciderSpec(decider);
const run = (given: readonly AnyLedgerEvent[], when: AnyLedgerEvent) => {
  const state = decider.initialState();
  for (const e of given) decider.decide(e, state);
  return decider.decide(when, state);
};
const call = (language = 'zh-CN') => new CallBuilder({ interactionId: 'ix-1', language });
const types = (output: readonly { type: string }[]) => output.map((o) => o.type);
const evidence = (d: Decision) => (d.type === 'RiskAlertRaised' ? d.data.evidence : []);

describe('risk decider', () => {
  describe('voiceprint gate', () => {
    it('blocks a transfer after a voiceprint mismatch and asks for an OTP, naming the rule version', () => {
      const c = call();
      const given = [c.voiceprint('MISMATCH')];
      spec.given(given).when(c.operation('op-1', 'FUNDS_TRANSFER', 20_000)).then([
        { type: 'SensitiveOperationBlocked', data: { operationId: 'op-1', kind: 'FUNDS_TRANSFER', amount: { amountMinor: 2_000_000, currency: 'CNY' }, reason: 'voiceprint MISMATCH', ruleId: 'risk.voiceprint-gate', ruleVersion: 1, alertId: null, requiredAuth: 'OTP' } },
        { type: 'StepUpAuthenticationRequested', data: { challengeId: 'op-1:step-up:1', method: 'OTP', reason: 'voiceprint MISMATCH', alertId: null, ruleId: 'risk.voiceprint-gate', ruleVersion: 1 } },
      ]);
    });

    it('raises a voiceprint alert on the mismatch itself', () => {
      spec.given([]).when(call().voiceprint('MISMATCH')).then([{ type: 'RiskAlertRaised' }]);
    });

    it('asks for a video identity check for a large transfer', () => {
      const c = call();
      const out = run([c.voiceprint('MISMATCH')], c.operation('op-1', 'FUNDS_TRANSFER', 80_000));
      expect(out[1]).to.deep.include({ type: 'StepUpAuthenticationRequested' });
      expect((out[1].data as { method: string }).method).to.equal('VIDEO_IDENTITY');
    });

    it('blocks when no voiceprint verification happened', () => {
      const out = run([], call().operation('op-1', 'CHANGE_PHONE_NUMBER'));
      expect(out[0].data).to.deep.include({ reason: 'no voiceprint verification in this call' });
    });

    it('blocks an inconclusive result with a high fraud-risk score and lets a low one through', () => {
      const high = call();
      expect(types(run([high.voiceprint('INCONCLUSIVE', { fraudRisk: 40 })], high.operation('op-1', 'PASSWORD_RESET')))).to.deep.equal(['SensitiveOperationBlocked', 'StepUpAuthenticationRequested']);
      const low = call();
      expect(types(run([low.voiceprint('INCONCLUSIVE', { fraudRisk: 10 })], low.operation('op-1', 'PASSWORD_RESET')))).to.deep.equal(['SensitiveOperationApproved']);
    });

    it('approves a protected operation after a match, and an unprotected small transfer without one', () => {
      const c = call();
      spec.given([c.voiceprint('MATCH')]).when(c.operation('op-1', 'FUNDS_TRANSFER', 20_000)).then([{ type: 'SensitiveOperationApproved' }]);
      spec.given([]).when(call().operation('op-2', 'FUNDS_TRANSFER', 200)).then([{ type: 'SensitiveOperationApproved' }]);
    });

    it('approves a blocked operation once the step-up passes', () => {
      const c = call();
      const given = [c.voiceprint('MISMATCH'), c.operation('op-1', 'FUNDS_TRANSFER', 20_000)];
      spec.given(given).when(c.stepUp('op-1:step-up:1', 'OTP', 'PASSED')).then([
        { type: 'SensitiveOperationApproved', data: { operationId: 'op-1', kind: 'FUNDS_TRANSFER', amount: { amountMinor: 2_000_000, currency: 'CNY' }, approvedBy: 'step-up:OTP', reason: 'step-up OTP passed', ruleId: 'risk.voiceprint-gate', ruleVersion: 1, challengeId: 'op-1:step-up:1' } },
      ]);
    });

    it('does not accept an OTP where a video identity check is required', () => {
      const c = call();
      spec.given([c.voiceprint('MISMATCH'), c.operation('op-1', 'FUNDS_TRANSFER', 80_000)]).when(c.stepUp('op-1:step-up:1', 'OTP', 'PASSED')).then([]);
    });

    it('alerts on a failed step-up and keeps the operation blocked', () => {
      const c = call();
      spec.given([c.voiceprint('MISMATCH'), c.operation('op-1', 'FUNDS_TRANSFER', 20_000)]).when(c.stepUp('op-1:step-up:1', 'OTP', 'FAILED')).then([{ type: 'RiskAlertRaised' }]);
    });
  });

  describe('fraud words', () => {
    it('raises an alert with evidence for a phrase said by the customer', () => {
      const c = call();
      const out = run([], c.customer('他说我的钱不安全，要我转到安全账户里'));
      expect(out[0]).to.deep.include({ type: 'RiskAlertRaised' });
      expect(out[0].data).to.deep.include({ ruleId: 'fraud.safe-account', kind: 'FRAUD_WORDS', severity: 'HIGH', recommendedAction: 'STEP_UP_AUTHENTICATION' });
      expect(evidence(out[0])).to.deep.equal([{ segmentId: 'ix-1-s1', startOffset: 13, endOffset: 17, term: '安全账户', matchedText: '安全账户' }]);
      expect(out[1]).to.deep.include({ type: 'AgentAssistSuggested' });
    });

    it('matches proximity across punctuation, full-width text and segments', () => {
      const c = call();
      const out = run([c.customer('对方刚才发了个ＯＴＰ验证码，')], c.customer('让我马上告诉他'));
      expect(out[0].data).to.deep.include({ ruleId: 'fraud.verification-code-disclosure' });
      expect(evidence(out[0]).map((e) => [e.segmentId, e.term])).to.deep.equal([['ix-1-s1', '验证码'], ['ix-1-s2', '告诉']]);
    });

    it('matches English terms on word boundaries only', () => {
      const c = call('en-US');
      spec.given([]).when(c.customer('The man said I should read out the verification code to him')).then([{ type: 'RiskAlertRaised' }, { type: 'AgentAssistSuggested' }]);
      spec.given([]).when(call('en-US').customer('We had hotpot then I went to tell my friend')).then([]);
    });

    it('ignores the agent warning the customer (speaker condition) and negated mentions', () => {
      const c = call();
      spec.given([]).when(c.agent('请不要把验证码告诉任何人，银行不会索要验证码')).then([]);
      spec.given([]).when(call().customer('我知道不能把验证码告诉别人')).then([]);
    });

    it('alerts when an agent asks for a verification code', () => {
      const out = run([], call().agent('麻烦您把验证码报一下'));
      expect(out[0].data).to.deep.include({ ruleId: 'fraud.agent-asks-for-credentials', severity: 'CRITICAL', recommendedAction: 'NOTIFY_SUPERVISOR' });
    });

    it('requires step-up for an operation that follows a fraud alert even with a voiceprint match', () => {
      const c = call();
      const out = run([c.voiceprint('MATCH'), c.customer('公安局的人说我涉嫌洗钱')], c.operation('op-1', 'FUNDS_TRANSFER', 30_000));
      expect(types(out)).to.deep.equal(['SensitiveOperationBlocked', 'StepUpAuthenticationRequested']);
      expect(out[0].data).to.deep.include({ ruleId: 'fraud.authority-impersonation', alertId: 'ix-1:fraud.authority-impersonation' });
    });

    it('holds an operation already approved when fraud words follow', () => {
      const c = call();
      const out = run([c.voiceprint('MATCH'), c.operation('op-1', 'FUNDS_TRANSFER', 30_000)], c.customer('他让我开启屏幕共享'));
      expect(types(out)).to.deep.equal(['RiskAlertRaised', 'AgentAssistSuggested', 'SensitiveOperationBlocked', 'StepUpAuthenticationRequested']);
    });

    it('raises each rule once per call', () => {
      const c = call();
      spec.given([c.customer('安全账户')]).when(c.customer('还是那个安全账户')).then([]);
    });
  });

  describe('agitation', () => {
    it('suggests a soothing script once lexical cues and emotion pass the first threshold', () => {
      const c = call();
      const out = run([c.customer('太过分了')], c.emotion('ANGRY', 1));
      expect(out).to.have.length(1);
      expect(out[0]).to.deep.include({ type: 'AgentAssistSuggested' });
      expect(out[0].data).to.deep.include({ scriptId: 'soothe.acknowledge', scriptVersion: 1, trigger: 'EMOTION', agentId: 'unassigned' });
    });

    it('alerts the supervisor past the second threshold', () => {
      const c = call();
      const out = run([c.answered(), c.customer('什么破银行，太过分了'), c.emotion('ANGRY', 0.9)], c.customer('我要投诉你们，叫你们经理来'));
      expect(types(out)).to.deep.equal(['RiskAlertRaised', 'AgentAssistSuggested']);
      expect(out[0].data).to.deep.include({ kind: 'AGITATION', recommendedAction: 'NOTIFY_SUPERVISOR', ruleId: 'risk.agitation' });
      expect(out[1].data).to.deep.include({ scriptId: 'soothe.escalate', agentId: 'agent-007' });
    });

    it('forgets cues that slid out of the window', () => {
      const c = call();
      const given = [c.customer('什么破银行'), c.pause(70_000) && c.customer('好的')];
      spec.given(given).when(c.customer('太过分了')).then([]);
    });
  });

  describe('rule versions', () => {
    const published = (document: string, version: number, effectiveFrom: number): AnyLedgerEvent => new CallBuilder({ interactionId: 'control' }).event('RiskRulesPublished', {
      policyId: 'risk-rules', version, document, documentSha256: sha256(document), publishedBy: 'compliance', effectiveFrom, changeNote: null,
    });

    it('applies a published version from its effective time and names it in decisions', () => {
      const rules = JSON.parse(JSON.stringify(defaultRiskRules().document));
      rules.fraudWords.push({ id: 'fraud.gift-cards', description: 'Gift card payment', kind: 'FRAUD_WORDS', severity: 'MEDIUM', stepUp: true, match: { phrase: { terms: ['购物卡', 'gift card'] } } });
      const c = call();
      const out = run([published(JSON.stringify(rules), 2, 0)], c.customer('他让我去买购物卡'));
      expect(out[0].data).to.deep.include({ ruleId: 'fraud.gift-cards', ruleVersion: 2 });
    });

    it('refuses a document whose hash does not match', () => {
      const bad = { ...published('{}', 2, 0) } as AnyLedgerEvent & { data: { documentSha256: string } };
      (bad.data as { documentSha256: string }).documentSha256 = '00';
      expect(() => decider.decide(bad, decider.initialState())).to.throw(RuleValidationError, 'documentSha256');
    });

    it('names the field and the rule of an invalid document', () => {
      const rules = JSON.parse(JSON.stringify(defaultRiskRules().document));
      rules.fraudWords[1].match.proximity.within = -3;
      try {
        parseRiskRules(rules);
        expect.fail('accepted');
      } catch (error) {
        expect((error as RuleValidationError).errors).to.deep.include({ field: 'fraudWords.1.match.proximity.within', rule: 'minimum', message: 'must be >= 0', ruleId: 'fraud.verification-code-disclosure' });
      }
    });
  });
});
