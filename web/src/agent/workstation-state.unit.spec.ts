import { expect } from 'chai';
import { emptyView, onEvent, onOffer, startCall, type PushedEvent, type ScreenPop, type WorkstationView } from './workstation-state.ts';

const pop: ScreenPop = {
  interactionId: 'ix-1', channel: 'VOICE', callerNumber: '+8613800000001', customer: { customerId: 'C-1', name: '王晓明', tier: 'VIP', relationshipAgentId: null, preferredLanguage: 'zh-CN' },
  tier: 'VIP', queueId: 'cards', intent: 'card_loss', ivrPath: [], ivrExit: null, voiceprint: null,
  riskAlerts: [{ alertId: 'al-0', kind: 'VOICEPRINT', severity: 'MEDIUM', description: null, recommendedAction: 'STEP_UP_AUTHENTICATION' }],
  ticketPrefill: { templateId: 'ticket.card-loss.v1', intent: 'card_loss', fields: [{ name: 'cardLast4', value: '1234' }] }, history: null,
};
let seq = 0;
const pushed = (type: string, data: Record<string, unknown>, interactionId: string | null = 'ix-1'): PushedEvent => ({ eventId: `e-${++seq}`, type, interactionId, data });
const given = (...steps: ((view: WorkstationView) => WorkstationView)[]) => steps.reduce((view, step) => step(view), emptyView);
const event = (type: string, data: Record<string, unknown>, interactionId?: string | null) => (view: WorkstationView) => onEvent(view, pushed(type, data, interactionId));
const offer = (view: WorkstationView) => onOffer(view, { offerId: 'o-1', interactionId: 'ix-1', ringTimeoutMs: 20_000, screenPop: pop });

describe('workstation view', () => {
  describe('when the agent changes state', () => {
    it('shows the state and the not-ready reason', () => {
      expect(given(event('AgentStateChanged', { state: 'BREAK', reasonCode: 'lunch' }, null))).to.include({ agentState: 'BREAK', reasonCode: 'lunch' });
    });
  });

  describe('when an offer rings', () => {
    it('shows it with its screen pop', () => {
      expect(given(offer).offer).to.include({ offerId: 'o-1', interactionId: 'ix-1' });
    });
    it('drops it when it times out, is withdrawn or declined', () => {
      for (const type of ['OfferTimedOut', 'OfferWithdrawn', 'OfferDeclined']) expect(given(offer, event(type, { offerId: 'o-1' })).offer).to.equal(null);
    });
    it('keeps it when another offer ends', () => {
      expect(given(offer, event('OfferTimedOut', { offerId: 'o-9' })).offer).to.not.equal(null);
    });
    it('starts the call when it is answered, with the risk and ticket known so far', () => {
      const view = given(offer, event('InteractionAnswered', { agentId: 'A1' }));
      expect(view.offer).to.equal(null);
      expect(view.call).to.include({ interactionId: 'ix-1', connected: true, ended: false });
      expect(view.alerts.map((a) => a.alertId)).to.deep.equal(['al-0']);
      expect(view.ticket?.fields).to.deep.equal([{ name: 'cardLast4', value: '1234' }]);
    });
  });

  describe('when the agent is on a call', () => {
    const onCall = (view: WorkstationView) => startCall(view, 'ix-1', pop);
    it('appends transcript lines once each (a resent record is not shown twice)', () => {
      const line = pushed('TranscriptSegmentRecognized', { speaker: 'CUSTOMER', text: 'please tell me the verification code' });
      const view = [line, line].reduce(onEvent, given(onCall));
      expect(view.transcript).to.deep.equal([{ eventId: line.eventId, speaker: 'CUSTOMER', text: 'please tell me the verification code' }]);
    });
    it('raises each risk alert once, and step-up requests beside them', () => {
      const alert = event('RiskAlertRaised', { alertId: 'al-1', kind: 'FRAUD_WORDS', severity: 'HIGH', description: 'verification code', recommendedAction: 'STEP_UP_AUTHENTICATION' });
      const view = given(onCall, alert, alert, event('StepUpAuthenticationRequested', { method: 'OTP', reason: 'fraud words' }));
      expect(view.alerts.map((a) => a.kind)).to.deep.equal(['VOICEPRINT', 'FRAUD_WORDS', 'STEP_UP']);
    });
    it('takes the latest ticket pre-fill', () => {
      const view = given(onCall, event('TicketFieldsExtracted', { templateId: 'ticket.card-loss.v1', intent: 'card_loss', fields: [{ name: 'cardLast4', value: '1234' }, { name: 'lostWhen', value: '昨天' }] }));
      expect(view.ticket?.fields.map((f) => f.name)).to.deep.equal(['cardLast4', 'lostWhen']);
    });
    it('follows hold, resume and the end of the call', () => {
      expect(given(onCall, event('InteractionHeld', {})).call?.held).to.equal(true);
      expect(given(onCall, event('InteractionHeld', {}), event('InteractionResumed', {})).call?.held).to.equal(false);
      expect(given(onCall, event('InteractionEnded', { endedBy: 'CUSTOMER' })).call).to.include({ ended: true, connected: false });
    });
    it('ignores events of other calls', () => {
      const view = given(onCall, event('TranscriptSegmentRecognized', { speaker: 'CUSTOMER', text: 'other call' }, 'ix-2'), event('InteractionEnded', {}, 'ix-2'));
      expect(view.transcript).to.deep.equal([]);
      expect(view.call?.ended).to.equal(false);
    });
    it('does not let another call\'s offer replace the call in progress', () => {
      expect(onOffer(given(onCall), { offerId: 'o-2', interactionId: 'ix-2', ringTimeoutMs: 20_000, screenPop: { ...pop, interactionId: 'ix-2' } }).offer).to.equal(null);
    });
  });

  describe('when the agent logs out', () => {
    it('clears the workstation', () => {
      expect(given(offer, event('AgentLoggedOut', { agentId: 'A1' }, null))).to.deep.equal({ ...emptyView, agentState: 'OFFLINE' });
    });
  });
});
