import { expect } from 'chai';
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';
import { deterministicUuid, eventOf } from '../testing/builders.ts';
import { projectionSpec } from '../testing/projection-spec.ts';
import { outboundCampaignsReadModel } from './outbound-campaigns.read-model.ts';

const model = outboundCampaignsReadModel();
const spec = projectionSpec({ logic: model, tables: model.tables });
const t0 = Date.UTC(2026, 0, 5, 2, 0, 0);
let n = 0;
function event<T extends LedgerEventType>(type: T, seconds: number, data: LedgerEventMap[T], interactionId: string | null = null, producer = 'test'): AnyLedgerEvent {
  const e = eventOf(type, data, { eventId: deterministicUuid(`outbound-${++n}`), at: t0 + seconds * 1000, source: 'new', interactionId });
  return { ...e, metadata: { ...e.metadata, producer: { component: producer, version: '1' } } } as AnyLedgerEvent;
}
const campaignId = 'overdue-11';
const started = event('CampaignStarted', 0, {
  campaignId, campaignVersion: 1, name: 'overdue reminder', purpose: 'PAYMENT_REMINDER', dialMode: 'PREDICTIVE',
  config: JSON.stringify({ site: 'sh', agentGroup: 'collections', abandonCap: { rate: 0.03, graceSeconds: 2 } }), maxDropRate: 0.03, startedBy: 'ops-1',
});
const contact = (id: string) => event('ContactScheduled', 0, { campaignId, contactId: id, customerId: `C-${id}`, phoneNumber: '+8613900000000', dueAt: t0, expiresAt: null, priority: 1, maxAttempts: 3, amountDue: null, utcOffsetMinutes: null });
const dial = (id: string, s: number) => event('DialAttempted', s, { campaignId, contactId: id, attemptId: `${id}#1`, attemptNumber: 1, interactionId: `ix-${id}`, dialLevel: 2 }, null, 'streams/outbound');
const result = (id: string, s: number, outcome: LedgerEventMap['DialResult']['result'], producer = 'telephony') =>
  event('DialResult', s, { campaignId, contactId: id, attemptId: `${id}#1`, result: outcome, ringMs: 5000, agentId: null, interactionId: `ix-${id}`, sipCause: null }, null, producer);
const connected = (id: string, s: number) => event('InteractionStarted', s, {
  interactionId: `ix-${id}`, channel: 'VOICE', direction: 'OUTBOUND', callerNumber: null, dialledNumber: null, site: 'sh', previousInteractionId: null, campaignId, contactId: id, externalCallId: null,
}, `ix-${id}`, 'streams/outbound');
const answered = (id: string, s: number) => event('InteractionAnswered', s, { agentId: 'A1', offerId: null, queueId: 'outbound', queueWaitMs: 1000, ringMs: null }, `ix-${id}`);
const wrapUp = (id: string, s: number, disposition: string) => event('WrapUpCompleted', s, {
  agentId: 'A1', disposition, resolved: true, intent: null, ticketId: null, ticketFields: [], prefilledFieldsAccepted: 0, wrapUpMs: 20_000, followUpRequired: false,
}, `ix-${id}`);

describe('outbound campaigns projection', () => {
  it('counts contacts, attempts, results, connects and drops — a drop the dialer judged is not a second connect', () => {
    spec.given(started, contact('K1'), contact('K2'), contact('K3'), contact('K4'))
      .when(dial('K1', 1), dial('K2', 1), dial('K3', 1), dial('K4', 1), result('K1', 8, 'ANSWERED'), result('K2', 9, 'BUSY'), result('K3', 30, 'NO_ANSWER'),
        result('K4', 10, 'ANSWERED'), result('K4', 13, 'DROPPED', 'streams/outbound'))
      .then((tables) => {
        expect(tables.row('campaign_counts', { campaign_id: campaignId })).to.include({ contacts: 4, attempts: 4, connects: 2, drops: 1, busy: 1, no_answer: 1 });
        expect(tables.row('campaigns', { campaign_id: campaignId })).to.include({ status: 'RUNNING', dial_mode: 'PREDICTIVE', agent_group: 'collections', grace_seconds: 2, max_drop_rate: 0.03 });
      });
  });

  it('counts a drop the telephony reported itself as a connect and a drop', () => {
    spec.given(started).when(dial('K1', 1), result('K1', 8, 'DROPPED')).then((tables) => {
      expect(tables.row('campaign_counts', { campaign_id: campaignId })).to.include({ connects: 1, drops: 1 });
    });
  });

  it('records calls an agent took and the wrap-up outcomes of campaign calls only', () => {
    const inbound = event('WrapUpCompleted', 50, { agentId: 'A1', disposition: 'PROMISE_TO_PAY', resolved: true, intent: null, ticketId: null, ticketFields: [], prefilledFieldsAccepted: 0, wrapUpMs: 1, followUpRequired: false }, 'ix-inbound');
    spec.given(started)
      .when(connected('K1', 8), answered('K1', 9), wrapUp('K1', 200, 'PROMISE_TO_PAY'), connected('K2', 8), answered('K2', 10), wrapUp('K2', 200, 'WRONG_NUMBER'),
        connected('K3', 8), answered('K3', 9), wrapUp('K3', 200, 'DISPUTE'), inbound)
      .then((tables) => {
        expect(tables.row('campaign_counts', { campaign_id: campaignId })).to.include({
          agent_contacts: 3, agent_wait_ms: 4000, right_party_contacts: 2, promises_to_pay: 1, disputes: 1, wrong_numbers: 1,
        });
      });
  });

  it('adds staffed and idle time of each agent team per hour', () => {
    const login = event('AgentLoggedIn', 0, { agentId: 'A1', skills: [], teams: ['collections'], site: 'sh', cohort: null, station: null, supervisorId: null });
    const state = (s: number, to: LedgerEventMap['AgentStateChanged']['state']) => event('AgentStateChanged', s, { agentId: 'A1', state: to, previousState: null, reasonCode: null, interactionId: null });
    spec.given(login).when(state(60, 'AVAILABLE'), state(160, 'BUSY'), state(400, 'AVAILABLE'), event('AgentLoggedOut', 460, { agentId: 'A1', reason: 'END_OF_SHIFT', sessionMs: 460_000 })).then((tables) => {
      expect(tables.row('group_time', { team: 'collections', hour_start: t0 })).to.include({ staffed_ms: 460_000, idle_ms: 160_000 });
    });
  });

  it('shows a paused and an ended campaign with its end reason', () => {
    spec.given(started).when(event('CampaignPaused', 5, { campaignId, reason: 'review', pausedBy: 'sup-1', automatic: false }), event('CampaignEnded', 9, { campaignId, reason: 'COMPLETED', endedBy: 'ops-1', contactsTotal: 4, contactsReached: 2 }))
      .then((tables) => expect(tables.row('campaigns', { campaign_id: campaignId })).to.include({ status: 'ENDED', end_reason: 'COMPLETED', ended_at: t0 + 9000, started_at: t0 }));
  });
});
