import { expect } from 'chai';
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';
import { decide, evolve, initialState, type AgentCommand, type Decided, type Decision } from './agent-commands.decider.ts';

const agentId = 'A1024';
const ix = 'ix-1';
let n = 0;
function ev<T extends LedgerEventType>(type: T, at: number, data: LedgerEventMap[T], interactionId: string | null = ix): AnyLedgerEvent {
  n += 1;
  return {
    type,
    metadata: {
      eventId: `e-${n}`, eventType: type, occurredAt: at, recordedAt: at, sourceSystem: 'new', interactionId, correlationId: null, causationId: null,
      producer: { component: 'spec', version: '1' }, dataSubject: interactionId ? 'customer:C1' : null,
    },
    data,
  } as AnyLedgerEvent;
}

// Given / when / then over the decider.
function given(events: readonly AnyLedgerEvent[]) {
  return {
    when(command: AgentCommand, now = 100_000) {
      const state = events.reduce(evolve, initialState(agentId));
      const decision: Decision = decide(command, state, { agentId, now });
      return {
        decision,
        then(expected: readonly Partial<Decided>[]) {
          expect(decision.ok, JSON.stringify(decision)).to.equal(true);
          const events = decision.ok ? decision.events : [];
          expect(events.length).to.equal(expected.length);
          expected.forEach((e, i) => expect(events[i]).to.deep.include(e));
        },
        thenRefused(kind: 'illegal' | 'invalid', reason: RegExp) {
          expect(decision.ok).to.equal(false);
          if (!decision.ok) {
            expect(decision.kind).to.equal(kind);
            expect(decision.reason).to.match(reason);
          }
        },
      };
    },
  };
}

const loggedIn = ev('AgentLoggedIn', 1_000, { agentId, skills: [{ skill: 'cards', proficiency: 5 }], teams: ['cards'], site: 'sh', cohort: null, station: null, supervisorId: null }, null);
const available = ev('AgentStateChanged', 2_000, { agentId, state: 'AVAILABLE', previousState: 'UNKNOWN', reasonCode: null, interactionId: null }, null);
const started = ev('InteractionStarted', 10_000, {
  interactionId: ix, channel: 'VOICE', direction: 'INBOUND', callerNumber: '+8613800000000', dialledNumber: '95588', site: 'sh', previousInteractionId: null, campaignId: null, contactId: null, externalCallId: null,
});
const queued = ev('QueueEntered', 20_000, { visitId: 'v1', queueId: 'cards', tier: 'VIP', priority: 10, requiredSkills: [], position: 1, expectedWaitMs: null, intent: 'card_loss' });
const offered = (to = agentId, offerId = 'o1') => ev('InteractionOffered', 30_000, { offerId, agentId: to, queueId: 'cards', ringTimeoutMs: 20_000, attempt: 1 });
const answered = ev('InteractionAnswered', 35_000, { agentId, offerId: 'o1', queueId: 'cards', queueWaitMs: 15_000, ringMs: 5_000 });
const busy = ev('AgentStateChanged', 35_000, { agentId, state: 'BUSY', previousState: 'AVAILABLE', reasonCode: null, interactionId: ix }, null);
const ticket = ev('TicketFieldsExtracted', 60_000, { intent: 'card_loss', templateId: 'card-loss-report', fields: [{ name: 'cardLast4', value: '1234' }, { name: 'lossPlace', value: 'metro' }], modelVersion: 'm1' });
const ended = ev('InteractionEnded', 90_000, { endedBy: 'CUSTOMER', durationMs: 80_000, agentId, releaseCause: null });
const onCall = [loggedIn, available, started, queued, offered(), answered, busy];

describe('agent commands decider', () => {
  describe('when an agent logs in', () => {
    it('records the log-in with skills and site', () => {
      given([]).when({ kind: 'LogIn', data: { skills: [], teams: [], site: 'sh', cohort: null, station: 'ext-1', supervisorId: null } })
        .then([{ type: 'AgentLoggedIn', data: { agentId, skills: [], teams: [], site: 'sh', cohort: null, station: 'ext-1', supervisorId: null } }]);
    });
    it('refuses a second log-in', () => {
      given([loggedIn]).when({ kind: 'LogIn', data: { skills: [], teams: [], site: 'sh', cohort: null, station: null, supervisorId: null } }).thenRefused('illegal', /already logged in/);
    });
  });

  describe('when the agent changes state', () => {
    it('goes on break with a reason code', () => {
      given([loggedIn, available]).when({ kind: 'ChangeState', state: 'BREAK', reasonCode: 'lunch' })
        .then([{ type: 'AgentStateChanged', data: { agentId, state: 'BREAK', previousState: 'AVAILABLE', reasonCode: 'lunch', interactionId: null } }]);
    });
    it('refuses a break without a reason code', () => {
      given([loggedIn, available]).when({ kind: 'ChangeState', state: 'BREAK', reasonCode: null }).thenRefused('invalid', /reason code is required/);
    });
    it('refuses while on a call', () => {
      given(onCall).when({ kind: 'ChangeState', state: 'BREAK', reasonCode: 'lunch' }).thenRefused('illegal', /you are on interaction ix-1/);
    });
    it('refuses before log-in', () => {
      given([]).when({ kind: 'ChangeState', state: 'AVAILABLE', reasonCode: null }).thenRefused('illegal', /not logged in/);
    });
  });

  describe('when an offer rings', () => {
    it('answers it: the interaction is answered with queue wait and ring time, the agent is busy on it', () => {
      given([loggedIn, available, started, queued, offered()]).when({ kind: 'AcceptOffer', interactionId: ix, offerId: 'o1' }, 34_000).then([
        { type: 'InteractionAnswered', interactionId: ix, data: { agentId, offerId: 'o1', queueId: 'cards', queueWaitMs: 14_000, ringMs: 4_000 } },
        { type: 'AgentStateChanged', data: { agentId, state: 'BUSY', previousState: 'AVAILABLE', reasonCode: null, interactionId: ix } },
      ]);
    });
    it('refuses to answer an offer that went to someone else', () => {
      given([loggedIn, available, started, queued, offered('A2048')]).when({ kind: 'AcceptOffer', interactionId: ix, offerId: 'o1' }).thenRefused('illegal', /went to another agent/);
    });
    it('refuses to answer an offer that timed out', () => {
      const timedOut = ev('OfferTimedOut', 50_000, { offerId: 'o1', agentId, ringMs: 20_000 });
      given([loggedIn, available, started, queued, offered(), timedOut]).when({ kind: 'AcceptOffer', interactionId: ix, offerId: 'o1' }).thenRefused('illegal', /no longer ringing \(timed-out\)/);
    });
    it('declines it with a reason', () => {
      given([loggedIn, available, started, queued, offered()]).when({ kind: 'DeclineOffer', interactionId: ix, offerId: 'o1', reasonCode: 'headset' })
        .then([{ type: 'OfferDeclined', data: { offerId: 'o1', agentId, reasonCode: 'headset' } }]);
    });
  });

  describe('when on a call', () => {
    it('holds and resumes, counting the hold time', () => {
      given(onCall).when({ kind: 'Hold', interactionId: ix, reasonCode: 'lookup' }).then([{ type: 'InteractionHeld', data: { agentId, reasonCode: 'lookup' } }]);
      const held = ev('InteractionHeld', 40_000, { agentId, reasonCode: null });
      given([...onCall, held]).when({ kind: 'Resume', interactionId: ix }, 52_000).then([{ type: 'InteractionResumed', data: { agentId, heldMs: 12_000 } }]);
      given([...onCall, held]).when({ kind: 'Hold', interactionId: ix, reasonCode: null }).thenRefused('illegal', /already on hold/);
      given(onCall).when({ kind: 'Resume', interactionId: ix }).thenRefused('illegal', /not on hold/);
    });
    it('transfers blind to a queue and goes to wrap-up', () => {
      given(onCall).when({
        kind: 'Transfer', interactionId: ix,
        transfer: { mode: 'BLIND', targetKind: 'QUEUE', targetQueueId: 'loans', targetAgentId: null, targetExternalNumber: null, reason: 'loan question' },
      }).then([
        { type: 'InteractionTransferred', data: { fromAgentId: agentId, mode: 'BLIND', targetKind: 'QUEUE', targetQueueId: 'loans', targetAgentId: null, targetExternalNumber: null, reason: 'loan question' } },
        { type: 'AgentStateChanged', data: { agentId, state: 'WRAP_UP', previousState: 'BUSY', reasonCode: null, interactionId: ix } },
      ]);
    });
    it('refuses a transfer to an agent without naming them', () => {
      given(onCall).when({
        kind: 'Transfer', interactionId: ix, transfer: { mode: 'CONSULT', targetKind: 'AGENT', targetQueueId: null, targetAgentId: null, targetExternalNumber: null, reason: null },
      }).thenRefused('invalid', /targetAgentId is required/);
    });
    it('starts a three-way conference with the customer, itself and a supervisor', () => {
      given(onCall).when({ kind: 'StartConference', interactionId: ix, participants: [{ role: 'SUPERVISOR', agentId: 'S0107', externalNumber: null }] }).then([{
        type: 'ConferenceStarted',
        data: {
          hostAgentId: agentId,
          participants: [{ role: 'CUSTOMER', agentId: null, externalNumber: null }, { role: 'AGENT', agentId, externalNumber: null }, { role: 'SUPERVISOR', agentId: 'S0107', externalNumber: null }],
        },
      }]);
    });
    it('refuses hold on a call it is not connected to', () => {
      given([loggedIn, available, started, queued, offered()]).when({ kind: 'Hold', interactionId: ix, reasonCode: null }).thenRefused('illegal', /not connected/);
    });
    it('refuses to log out', () => {
      given(onCall).when({ kind: 'LogOut', reason: 'END_OF_SHIFT' }).thenRefused('illegal', /end or transfer it/);
    });
  });

  describe('when wrapping up', () => {
    const wrap = (interactionId = ix): AgentCommand => ({
      kind: 'CompleteWrapUp', interactionId, disposition: 'CARD_LOSS_REPORTED', resolved: true, intent: null, ticketId: 'T-1',
      ticketFields: [{ name: 'cardLast4', value: '1234' }, { name: 'lossPlace', value: 'bus' }], followUpRequired: false, nextState: 'AVAILABLE',
    });
    it('completes the pre-filled ticket after the customer hung up, counting the kept fields and the wrap-up time', () => {
      given([...onCall, ticket, ended]).when(wrap(), 120_000).then([
        { type: 'WrapUpCompleted', interactionId: ix, data: {
          agentId, disposition: 'CARD_LOSS_REPORTED', resolved: true, intent: 'card_loss', ticketId: 'T-1',
          ticketFields: [{ name: 'cardLast4', value: '1234' }, { name: 'lossPlace', value: 'bus' }], prefilledFieldsAccepted: 1, wrapUpMs: 30_000, followUpRequired: false,
        } },
        { type: 'AgentStateChanged', data: { agentId, state: 'AVAILABLE', previousState: 'WRAP_UP', reasonCode: null, interactionId: null } },
      ]);
    });
    it('refuses wrap-up without a call', () => {
      given([loggedIn, available]).when(wrap()).thenRefused('illegal', /no call ix-1 to wrap up/);
    });
    it('refuses wrap-up while the call is still going', () => {
      given(onCall).when(wrap()).thenRefused('illegal', /still in progress/);
    });
    it('refuses a second wrap-up of the same call', () => {
      const done = ev('WrapUpCompleted', 121_000, {
        agentId, disposition: 'X', resolved: true, intent: null, ticketId: null, ticketFields: [], prefilledFieldsAccepted: 0, wrapUpMs: 1, followUpRequired: false,
      });
      given([...onCall, ended, done]).when(wrap()).thenRefused('illegal', /no call ix-1 to wrap up|still in progress/);
    });
    it('after hanging up itself, the agent is in wrap-up', () => {
      given(onCall).when({ kind: 'EndCall', interactionId: ix }, 100_000).then([
        { type: 'InteractionEnded', data: { endedBy: 'AGENT', durationMs: 90_000, agentId, releaseCause: 'agent hang-up' } },
        { type: 'AgentStateChanged', data: { agentId, state: 'WRAP_UP', previousState: 'BUSY', reasonCode: null, interactionId: ix } },
      ]);
    });
  });
});
