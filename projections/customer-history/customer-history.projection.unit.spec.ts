import { expect } from 'chai';
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';
import { CallScript, deterministicUuid, eventOf } from '../testing/builders.ts';
import { interleave, projectionSpec } from '../testing/projection-spec.ts';
import { customerHistoryLogic } from './customer-history.projection.ts';
import { customerHistoryReadModel } from './customer-history.read-model.ts';

const spec = projectionSpec({ logic: customerHistoryLogic, tables: customerHistoryReadModel().tables });
const t0 = Date.UTC(2026, 10, 26, 2, 0, 0);
const s = (seconds: number) => t0 + seconds * 1000;

let seq = 0;
function on<T extends LedgerEventType>(type: T, interactionId: string, at: number, data: LedgerEventMap[T], dataSubject: string | null = null): AnyLedgerEvent {
  seq += 1;
  const event = eventOf(type, data, { eventId: deterministicUuid(`ch-${seq}`), at, source: 'new', interactionId });
  return { ...event, metadata: { ...event.metadata, dataSubject } } as AnyLedgerEvent;
}

const identify = (ix: string, at: number, customerId: string) => on('CustomerIdentified', ix, at, { customerId, method: 'IVR_ACCOUNT_INPUT', tier: 'VIP', relationshipAgentId: null, customerName: 'pii:v1:bmFtZQ==', preferredLanguage: 'zh-CN' }, `customer:${customerId}`);
const summary = (ix: string, at: number, customerId: string) => on('SummaryGenerated', ix, at, { summary: 'pii:v1:c3VtbWFyeQ==', intent: 'card_loss', language: 'zh-CN', modelVersion: 'm1', segmentsUsed: 12, questions: [], questionTaxonomy: null }, `customer:${customerId}`);
const ticket = (ix: string, at: number) => on('TicketFieldsExtracted', ix, at, { intent: 'card_loss', templateId: 'card-loss-report', fields: [{ name: 'card', value: 'pii:v1:eA==' }], modelVersion: 'x1' });
const wrapUp = (ix: string, at: number, agentId: string, o: { resolved: boolean; ticketId?: string | null; followUp?: boolean }) => on('WrapUpCompleted', ix, at, {
  agentId, disposition: o.resolved ? 'CARD_LOSS_REPORTED' : 'PENDING', resolved: o.resolved, intent: 'card_loss', ticketId: o.ticketId ?? null, ticketFields: [], prefilledFieldsAccepted: 1, wrapUpMs: 20_000, followUpRequired: o.followUp ?? false,
});
const risk = (ix: string, at: number, kind: LedgerEventMap['RiskAlertRaised']['kind'], severity: LedgerEventMap['RiskAlertRaised']['severity']) => on('RiskAlertRaised', ix, at, {
  alertId: `al-${seq}`, ruleId: 'fraud-words/safe-account', ruleVersion: 3, kind, severity, score: null, recommendedAction: 'STEP_UP_AUTHENTICATION', evidence: [], description: null,
});
const blocked = (ix: string, at: number) => on('SensitiveOperationBlocked', ix, at, { operationId: `op-${seq}`, kind: 'FUNDS_TRANSFER', amount: null, reason: 'voiceprint MISMATCH', ruleId: 'vp', ruleVersion: 1, alertId: null, requiredAuth: null });

describe('customer history projection', () => {
  describe('when a card-loss call is identified, handled, summarised, ticketed and flagged', () => {
    it('keeps one row for the customer with intent, outcome, agent, encrypted summary, open ticket and risk flags', () => {
      const call = new CallScript('ix-1').started(s(0));
      const events = [
        ...call.events, identify('ix-1', s(5), 'C-1'),
        ...new CallScript('ix-1').queued(s(20), 'cards', 'VIP').answered(s(30), 'ag-7').events.map((e) => ({ ...e, metadata: { ...e.metadata, eventId: `${e.metadata.eventId}-b` } })),
        risk('ix-1', s(60), 'FRAUD_WORDS', 'HIGH'), risk('ix-1', s(70), 'FRAUD_WORDS', 'HIGH'), risk('ix-1', s(75), 'VOICEPRINT', 'MEDIUM'), blocked('ix-1', s(80)),
        ticket('ix-1', s(90)), summary('ix-1', s(130), 'C-1'), ...new CallScript('ix-1').ended(s(120)).events.map((e) => ({ ...e, metadata: { ...e.metadata, eventId: 'end-1' } })),
        wrapUp('ix-1', s(150), 'ag-7', { resolved: false, ticketId: 'T-9', followUp: true }),
      ];
      spec.given(events).when().then((tables) => {
        expect(tables.rows('contacts')).to.deep.equal([{
          customer_id: 'C-1', interaction_id: 'ix-1', channel: 'VOICE', direction: 'INBOUND', source_system: 'new', started_at: s(0), last_at: s(150), ended_at: s(120),
          tier: 'VIP', queue_id: 'cards', intent: 'card_loss', outcome: 'UNRESOLVED', disposition: 'PENDING', agent_id: 'ag-7',
          summary: 'pii:v1:c3VtbWFyeQ==', summary_subject: 'customer:C-1', ticket_id: 'T-9', ticket_template: 'card-loss-report', ticket_status: 'OPEN', follow_up_required: true,
          risk_flags: ['FRAUD_WORDS:HIGH', 'VOICEPRINT:MEDIUM'], blocked_operations: ['FUNDS_TRANSFER'],
        }]);
      });
    });
  });

  describe('when the customer is identified only after other events of the call', () => {
    it('the row carries what happened before, and nothing is written for a call never identified', () => {
      const late = new CallScript('ix-late').started(s(0)).queued(s(3), 'loans').answered(s(9), 'ag-1');
      const anonymous = new CallScript('ix-anon').started(s(1)).queued(s(4), 'loans').abandoned(s(20), 'QUEUE', 16_000);
      spec.given(late.events, anonymous.events).when(identify('ix-late', s(40), 'C-2')).then((tables) => {
        expect(tables.rows('contacts').map((r) => [r.customer_id, r.interaction_id, r.queue_id, r.agent_id, r.outcome, r.started_at])).to.deep.equal([['C-2', 'ix-late', 'loans', 'ag-1', 'IN_PROGRESS', s(0)]]);
      });
    });
  });

  describe('when a call is transferred twice', () => {
    it('shows the last agent, and the outcome and disposition of that agent\'s wrap-up', () => {
      const call = new CallScript('ix-t').started(s(0)).queued(s(1), 'general').answered(s(10), 'ag-1').transferred(s(70), { queueId: 'cards' })
        .queued(s(71), 'cards').answered(s(101), 'ag-2').transferred(s(161), { agentId: 'ag-3' }).answered(s(167), 'ag-3').ended(s(267));
      spec.given(call.events, identify('ix-t', s(2), 'C-3')).when(wrapUp('ix-t', s(280), 'ag-3', { resolved: false }), wrapUp('ix-t', s(300), 'ag-1', { resolved: true })).then((tables) => {
        expect(tables.rows('contacts').map((r) => [r.queue_id, r.agent_id, r.outcome, r.disposition, r.ticket_status])).to.deep.equal([['cards', 'ag-3', 'UNRESOLVED', 'PENDING', null]]);
      });
    });
  });

  describe('when a call is abandoned while ringing', () => {
    it('is an abandoned contact without an agent', () => {
      const call = new CallScript('ix-a').started(s(0)).queued(s(5), 'cards').offered(s(25), 'ag-1').abandoned(s(27), 'RINGING', 22_000).ended(s(27));
      spec.given(call.events, identify('ix-a', s(2), 'C-4')).when().then((tables) => {
        expect(tables.rows('contacts').map((r) => [r.outcome, r.agent_id, r.ended_at])).to.deep.equal([['ABANDONED', null, s(27)]]);
      });
    });
  });

  describe('when the caller is re-identified as another customer', () => {
    it('moves the row to the new customer', () => {
      const call = new CallScript('ix-r').started(s(0)).ivrExited(s(30), 'SELF_SERVICE_DONE');
      spec.given(call.events, identify('ix-r', s(5), 'C-5')).when(identify('ix-r', s(20), 'C-6')).then((tables) => {
        expect(tables.rows('contacts').map((r) => [r.customer_id, r.interaction_id, r.outcome])).to.deep.equal([['C-6', 'ix-r', 'SELF_SERVICE']]);
      });
    });
  });

  describe('when the events of a customer\'s calls arrive in another order across interactions, with duplicates', () => {
    it('ends with the same rows', () => {
      const calls = Array.from({ length: 5 }, (_, i) => {
        const ix = `ix-${i}`;
        const c = new CallScript(ix).started(s(i * 100)).queued(s(i * 100 + 10), 'cards');
        if (i % 2) c.answered(s(i * 100 + 20), `ag-${i}`).ended(s(i * 100 + 80));
        else c.abandoned(s(i * 100 + 15), 'QUEUE', 5000);
        return [identify(ix, s(i * 100 + 1), i < 3 ? 'C-7' : 'C-8'), ...c.events, ...(i % 2 ? [wrapUp(ix, s(i * 100 + 90), `ag-${i}`, { resolved: i === 1, ticketId: `T-${i}` }), risk(ix, s(i * 100 + 50), 'AGITATION', 'LOW')] : [])];
      });
      let expected: unknown;
      spec.given(calls.flat()).when().then((tables) => (expected = tables.rows('contacts')));
      const shuffled = interleave(calls, (i) => (i * 5) % 3);
      spec.given(shuffled).when(shuffled.filter((_, i) => i % 4 === 1)).then((tables) => {
        expect(tables.rows('contacts')).to.deep.equal(expected);
        expect(tables.rows('contacts').map((r) => [r.customer_id, r.interaction_id, r.outcome, r.ticket_status])).to.deep.equal([
          ['C-7', 'ix-0', 'ABANDONED', null], ['C-7', 'ix-1', 'RESOLVED', 'CLOSED'], ['C-7', 'ix-2', 'ABANDONED', null], ['C-8', 'ix-3', 'UNRESOLVED', 'OPEN'], ['C-8', 'ix-4', 'ABANDONED', null],
        ]);
      });
    });
  });
});
