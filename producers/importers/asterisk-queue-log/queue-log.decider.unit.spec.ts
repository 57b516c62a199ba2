import { expect } from 'chai';
import { deciderSpec } from '../../../test/support/decider-spec.ts';
import type { AnyLedgerEvent } from '../../../schemas/generated/events.ts';
import { legacyCallerSubject, legacyInteractionId } from '../legacy-events.ts';
import { defaultQueueLogSettings, NO_EXIT_LINE, queueLogDecider, TRANSFERRED_OUT, type QueueLogInput, type QueueLogSettings } from './queue-log.decider.ts';

const T = 1_767_225_600; // 2026-01-01T00:00:00Z
const settings: QueueLogSettings = { ...defaultQueueLogSettings, source: 'test' };
const decider = queueLogDecider(settings);
const spec = deciderSpec(decider);

let lineNo = 0;
/** A queue_log line at T + seconds. */
function line(seconds: number, rest: string): QueueLogInput {
  return { kind: 'line', lineNo: ++lineNo, text: `${T + seconds}|${rest}` };
}
const end: QueueLogInput = { kind: 'end' };
const at = (seconds: number) => (T + seconds) * 1000;
const ix = legacyInteractionId('test', 'c1');

const enter = (s: number, queue = 'cards', caller = '+8613800000001') => line(s, `c1|${queue}|NONE|ENTERQUEUE||${caller}|1`);
const connect = (s: number, hold: number, agent = 'Agent/1001', queue = 'cards') => line(s, `c1|${queue}|${agent}|CONNECT|${hold}|c1-agent|2`);

function run(inputs: readonly QueueLogInput[], options: Partial<QueueLogSettings> = {}): AnyLedgerEvent[] {
  const d = queueLogDecider({ ...settings, ...options });
  const state = d.initialState();
  return inputs.flatMap((input) => [...d.decide(input, state)]);
}

describe('queue_log decider', () => {
  describe('when a call enters a queue', () => {
    it('starts the interaction and enters the queue at the line epoch, with the caller as a legacy data subject', () => {
      spec.given([]).when(enter(10)).then([
        {
          type: 'InteractionStarted',
          metadata: { occurredAt: at(10), sourceSystem: 'legacy:test', interactionId: ix, dataSubject: legacyCallerSubject('+8613800000001'), producer: { component: 'producers/asterisk-queue-log' } },
          data: { interactionId: ix, channel: 'VOICE', direction: 'INBOUND', callerNumber: '+8613800000001', site: 'legacy', externalCallId: 'c1' },
        },
        { type: 'QueueEntered', metadata: { occurredAt: at(10), interactionId: ix }, data: { visitId: `${ix}/visit-1`, queueId: 'cards', tier: 'UNKNOWN', position: 1 } },
      ]);
    });

    it('keeps no caller number (and no data subject) for anonymous callers', () => {
      spec.given([]).when(enter(10, 'cards', 'anonymous')).then([
        { type: 'InteractionStarted', metadata: { dataSubject: null }, data: { callerNumber: null } },
        { type: 'QueueEntered' },
      ]);
    });
  });

  describe('when a member rings and does not answer', () => {
    it('records the offer (from the ring start) and its time-out', () => {
      spec.given([enter(10)]).when(line(16, 'c1|cards|Agent/1002|RINGNOANSWER|5000')).then([
        { type: 'InteractionOffered', metadata: { occurredAt: at(11) }, data: { offerId: `${ix}/visit-1/offer-1`, agentId: 'Agent/1002', queueId: 'cards', ringTimeoutMs: 5000, attempt: 1 } },
        { type: 'OfferTimedOut', metadata: { occurredAt: at(16) }, data: { offerId: `${ix}/visit-1/offer-1`, agentId: 'Agent/1002', ringMs: 5000 } },
      ]);
    });

    it('withdraws the offer when the caller hangs up while it rings (RINGCANCELED)', () => {
      spec.given([enter(10)]).when(line(14, 'c1|cards|Agent/1002|RINGCANCELED|2000')).then([
        { type: 'InteractionOffered', metadata: { occurredAt: at(12) } },
        { type: 'OfferWithdrawn', data: { reason: 'CALLER_ABANDONED', ringMs: 2000 } },
      ]);
    });
  });

  describe('when an agent connects', () => {
    it('answers the second offer of the visit with the source hold time, and the agent is busy', () => {
      spec.given([enter(10), line(16, 'c1|cards|Agent/1002|RINGNOANSWER|5000')]).when(connect(22, 12)).then([
        { type: 'InteractionOffered', metadata: { occurredAt: at(20) }, data: { offerId: `${ix}/visit-1/offer-2`, attempt: 2, agentId: 'Agent/1001' } },
        { type: 'InteractionAnswered', metadata: { occurredAt: at(22) }, data: { agentId: 'Agent/1001', offerId: `${ix}/visit-1/offer-2`, queueId: 'cards', queueWaitMs: 12_000, ringMs: 2000 } },
        { type: 'AgentStateChanged', metadata: { interactionId: null, dataSubject: null }, data: { agentId: 'Agent/1001', state: 'BUSY', previousState: null, interactionId: ix } },
      ]);
    });
  });

  describe('when a call completes', () => {
    it('ends it by the agent (COMPLETEAGENT) and frees the agent', () => {
      spec.given([enter(10), connect(20, 10)]).when(line(140, 'c1|cards|Agent/1001|COMPLETEAGENT|10|120|1')).then([
        { type: 'InteractionEnded', metadata: { occurredAt: at(140) }, data: { endedBy: 'AGENT', durationMs: 130_000, agentId: 'Agent/1001', releaseCause: null } },
        { type: 'AgentStateChanged', data: { state: 'AVAILABLE', previousState: 'BUSY' } },
      ]);
    });

    it('ends it by the customer (COMPLETECALLER)', () => {
      spec.given([enter(10), connect(20, 10)]).when(line(50, 'c1|cards|Agent/1001|COMPLETECALLER|10|30|1')).then([
        { type: 'InteractionEnded', data: { endedBy: 'CUSTOMER', durationMs: 40_000 } },
        { type: 'AgentStateChanged', data: { state: 'AVAILABLE' } },
      ]);
    });
  });

  describe('when the caller abandons', () => {
    it('records the abandon in the queue with the wait and position, and ends the call', () => {
      spec.given([enter(10)]).when(line(40, 'c1|cards|NONE|ABANDON|2|1|30')).then([
        { type: 'InteractionAbandoned', metadata: { occurredAt: at(40) }, data: { stage: 'QUEUE', waitedMs: 30_000, visitId: `${ix}/visit-1`, queueId: 'cards', position: 2 } },
        { type: 'InteractionEnded', data: { endedBy: 'CUSTOMER', durationMs: 30_000, agentId: null } },
      ]);
    });
  });

  describe('when an agent transfers the call to a second queue under the same call id', () => {
    it('transfers to that queue (at the transfer time) and opens a second visit of the same interaction', () => {
      spec.given([enter(10), connect(20, 10), line(80, 'c1|cards|Agent/1001|TRANSFER|8200|from-internal|10|60|1')]).when(enter(81, 'loans')).then([
        { type: 'InteractionTransferred', metadata: { occurredAt: at(80), interactionId: ix }, data: { fromAgentId: 'Agent/1001', mode: 'UNKNOWN', targetKind: 'QUEUE', targetQueueId: 'loans' } },
        { type: 'AgentStateChanged', metadata: { occurredAt: at(80) }, data: { agentId: 'Agent/1001', state: 'AVAILABLE' } },
        { type: 'QueueEntered', metadata: { occurredAt: at(81), interactionId: ix }, data: { visitId: `${ix}/visit-2`, queueId: 'loans' } },
      ]);
    });

    it('treats a second ENTERQUEUE while talking (no transfer line) as a transfer to that queue', () => {
      spec.given([enter(10), connect(20, 10)]).when(enter(90, 'loans')).then([
        { type: 'InteractionTransferred', metadata: { occurredAt: at(90) }, data: { targetKind: 'QUEUE', targetQueueId: 'loans' } },
        { type: 'AgentStateChanged', data: { state: 'AVAILABLE' } },
        { type: 'QueueEntered', data: { visitId: `${ix}/visit-2`, queueId: 'loans' } },
      ]);
    });
  });

  describe('when an agent transfers the call out of the queues', () => {
    const transferred = [enter(10), connect(20, 10), line(80, 'c1|cards|Agent/1001|BLINDTRANSFER|95511|from-internal|10|60|1')];

    it('waits for the settle time before deciding', () => {
      spec.given(transferred).when(line(85, 'c2|cards|NONE|ENTERQUEUE||+8613800000002|1')).then([{ type: 'InteractionStarted' }, { type: 'QueueEntered' }]);
    });

    it('then transfers to OTHER and ends the call at the transfer time', () => {
      spec.given(transferred).when(line(95, 'c2|cards|NONE|ENTERQUEUE||+8613800000002|1')).then([
        { type: 'InteractionTransferred', metadata: { occurredAt: at(80), interactionId: ix }, data: { mode: 'BLIND', targetKind: 'OTHER', reason: 'BLINDTRANSFER 95511@from-internal' } },
        { type: 'InteractionEnded', metadata: { occurredAt: at(80), interactionId: ix }, data: { endedBy: 'SYSTEM', releaseCause: TRANSFERRED_OUT, agentId: 'Agent/1001' } },
        { type: 'AgentStateChanged', data: { state: 'AVAILABLE' } },
        { type: 'InteractionStarted', data: { externalCallId: 'c2' } },
        { type: 'QueueEntered' },
      ]);
    });

    it('settles at the end of the file as well', () => {
      spec.given(transferred).when(end).then([
        { type: 'InteractionTransferred', data: { mode: 'BLIND', targetKind: 'OTHER' } },
        { type: 'InteractionEnded', metadata: { occurredAt: at(80) }, data: { releaseCause: TRANSFERRED_OUT } },
        { type: 'AgentStateChanged' },
      ]);
    });
  });

  describe('when a call exits the queue', () => {
    it('overflows into the next queue without ending (EXITWITHTIMEOUT then ENTERQUEUE)', () => {
      spec.given([enter(10), line(70, 'c1|cards|NONE|EXITWITHTIMEOUT|1|1|60')]).when(enter(71, 'loans')).then([
        { type: 'QueueEntered', data: { visitId: `${ix}/visit-2`, queueId: 'loans' } },
      ]);
    });

    it('ends by the system at the exit time when nothing follows (EXITEMPTY)', () => {
      spec.given([enter(10), line(70, 'c1|cards|NONE|EXITEMPTY|1|1|60')]).when(end).then([
        { type: 'InteractionEnded', metadata: { occurredAt: at(70) }, data: { endedBy: 'SYSTEM', releaseCause: 'EXITEMPTY', durationMs: 60_000 } },
      ]);
    });

    it('ends by the customer when they pressed a key (EXITWITHKEY)', () => {
      spec.given([enter(10), line(30, 'c1|cards|NONE|EXITWITHKEY|5|1|1|20')]).when(end).then([
        { type: 'InteractionEnded', metadata: { occurredAt: at(30) }, data: { endedBy: 'CUSTOMER', releaseCause: 'EXITWITHKEY' } },
      ]);
    });
  });

  describe('when a call has no exit line', () => {
    it('closes it at the last time of the file (any line, housekeeping too), by the system', () => {
      spec.given([enter(10), connect(20, 10), line(600, 'NONE|NONE|NONE|QUEUESTART|')]).when(end).then([
        { type: 'InteractionEnded', metadata: { occurredAt: at(600) }, data: { endedBy: 'SYSTEM', releaseCause: NO_EXIT_LINE, agentId: 'Agent/1001' } },
        { type: 'AgentStateChanged', data: { state: 'AVAILABLE' } },
      ]);
    });

    it('closes every call still waiting at the end at that same time', () => {
      const events = run([enter(10), line(300, 'c2|cards|NONE|ENTERQUEUE||anonymous|1'), end]);
      const ended = events.filter((e) => e.type === 'InteractionEnded');
      expect(ended.map((e) => [e.metadata.occurredAt, e.data])).to.deep.equal([
        [at(300), { endedBy: 'SYSTEM', durationMs: 290_000, agentId: null, releaseCause: NO_EXIT_LINE }],
        [at(300), { endedBy: 'SYSTEM', durationMs: 0, agentId: null, releaseCause: NO_EXIT_LINE }],
      ]);
    });

    it('leaves it open at the end when asked (a log still being written)', () => {
      expect(run([enter(10), end], { keepOpenAtEnd: true }).map((e) => e.type)).to.deep.equal(['InteractionStarted', 'QueueEntered']);
    });

    it('closes it at its last line once the horizon has passed', () => {
      const events = run([enter(10), line(20 + 3600, 'c2|cards|NONE|ENTERQUEUE||anonymous|1')], { horizonMs: 3600_000 });
      expect(events.map((e) => [e.type, e.metadata.occurredAt])).to.deep.equal([
        ['InteractionStarted', at(10)], ['QueueEntered', at(10)],
        ['InteractionEnded', at(10)], ['InteractionStarted', at(3620)], ['QueueEntered', at(3620)],
      ]);
    });

    it('gives the close the same id whether the horizon or the end of the file closed it', () => {
      const byHorizon = run([enter(10), line(20 + 3600, 'NONE|NONE|Agent/9|PAUSEALL|')], { horizonMs: 3600_000 }).find((e) => e.type === 'InteractionEnded');
      const byEnd = run([enter(10), end]).find((e) => e.type === 'InteractionEnded');
      expect(byHorizon?.metadata.eventId).to.be.a('string').and.equal(byEnd?.metadata.eventId);
    });
  });

  describe('agents', () => {
    it('logs a dynamic member in on ADDMEMBER (paused if so)', () => {
      spec.given([]).when(line(0, 'NONE|cards|Local/2001@from-internal/n|ADDMEMBER|PAUSED')).then([
        { type: 'AgentLoggedIn', metadata: { interactionId: null }, data: { agentId: 'Local/2001@from-internal/n', site: 'legacy' } },
        { type: 'AgentStateChanged', data: { state: 'BREAK', previousState: null } },
      ]);
    });

    it('logs out when the last queue is removed', () => {
      spec.given([line(0, 'NONE|cards|A1|ADDMEMBER|'), line(0, 'NONE|loans|A1|ADDMEMBER|'), line(5, 'NONE|cards|A1|REMOVEMEMBER|')])
        .when(line(65, 'NONE|loans|A1|REMOVEMEMBER|'))
        .then([{ type: 'AgentLoggedOut', data: { agentId: 'A1', sessionMs: 65_000 } }]);
    });

    it('AGENTLOGIN / AGENTLOGOFF with the station and the logged-in time', () => {
      spec.given([line(0, 'NONE|NONE|Agent/1003|AGENTLOGIN|SIP/1003')]).when(line(100, 'NONE|NONE|Agent/1003|AGENTLOGOFF|SIP/1003|95')).then([
        { type: 'AgentLoggedOut', data: { agentId: 'Agent/1003', sessionMs: 95_000 } },
      ]);
      spec.given([]).when(line(0, 'NONE|NONE|Agent/1003|AGENTLOGIN|SIP/1003')).then([
        { type: 'AgentLoggedIn', data: { station: 'SIP/1003' } }, { type: 'AgentStateChanged', data: { state: 'AVAILABLE' } },
      ]);
    });

    it('PAUSE goes on break with the reason; a second PAUSE in another queue changes nothing; UNPAUSEALL is available', () => {
      const given = [line(0, 'NONE|cards|A1|ADDMEMBER|')];
      spec.given(given).when(line(10, 'NONE|cards|A1|PAUSE|lunch')).then([{ type: 'AgentStateChanged', data: { state: 'BREAK', previousState: 'AVAILABLE', reasonCode: 'lunch' } }]);
      spec.given([...given, line(10, 'NONE|cards|A1|PAUSE|lunch')]).when(line(10, 'NONE|loans|A1|PAUSE|lunch')).then([]);
      spec.given([...given, line(10, 'NONE|cards|A1|PAUSE|lunch')]).when(line(70, 'NONE|NONE|A1|UNPAUSEALL|')).then([{ type: 'AgentStateChanged', data: { state: 'AVAILABLE', previousState: 'BREAK' } }]);
    });

    it('a pause during a call takes effect when the call ends', () => {
      spec.given([line(0, 'NONE|cards|Agent/1001|ADDMEMBER|'), enter(10), connect(20, 10), line(30, 'NONE|cards|Agent/1001|PAUSE|coaching')])
        .when(line(90, 'c1|cards|Agent/1001|COMPLETEAGENT|10|70|1'))
        .then([{ type: 'InteractionEnded' }, { type: 'AgentStateChanged', data: { state: 'BREAK', previousState: 'BUSY', reasonCode: 'coaching' } }]);
    });
  });

  describe('lines it does not import', () => {
    it('ignores housekeeping', () => {
      spec.given([]).when(line(0, 'NONE|NONE|NONE|CONFIGRELOAD|')).thenCheck((events, state) => {
        expect(events).to.deep.equal([]);
        expect(state.ignored).to.equal(1);
      });
    });

    it('rejects a cut line, naming what is wrong', () => {
      spec.given([]).when({ kind: 'line', lineNo: 1, text: '1767225860|this line was cut' }).thenRejects(/at least 5 '\|'-separated fields/);
    });

    it('rejects a CONNECT for a call it never saw enter, leaving the state unchanged', () => {
      spec.given([enter(10)]).when(line(20, 'zz|cards|Agent/1|CONNECT|5|x|1')).thenRejects(/call zz has no open queue visit/, (state) => {
        expect([...state.calls.keys()]).to.deep.equal(['c1']);
        expect(state.agents.size).to.equal(0);
      });
    });

    it('rejects a completion of a call nobody answered', () => {
      spec.given([enter(10)]).when(line(20, 'c1|cards|Agent/1|COMPLETEAGENT|5|1|1')).thenRejects(/was not answered/);
    });

    it('rejects unknown events and bad epochs', () => {
      spec.given([]).when(line(0, 'c1|cards|NONE|FROBNICATE|')).thenRejects(/'FROBNICATE' is not a queue_log event/);
      spec.given([]).when({ kind: 'line', lineNo: 1, text: 'yesterday|c1|cards|NONE|ENTERQUEUE||1|1' }).thenRejects(/epoch: 'yesterday'/);
    });
  });

  describe('event ids', () => {
    it('are the same for the same source, line number and text, and differ otherwise', () => {
      const input = { kind: 'line', lineNo: 7, text: `${T}|c1|cards|NONE|ENTERQUEUE||+861|1` } as const;
      const once = run([input]).map((e) => e.metadata.eventId);
      expect(run([input]).map((e) => e.metadata.eventId)).to.deep.equal(once);
      expect(run([{ ...input, lineNo: 8 }]).map((e) => e.metadata.eventId)).to.not.include(once[0]);
      expect(queueLogDecider({ ...settings, source: 'other' }).decide(input, queueLogDecider({ ...settings, source: 'other' }).initialState())[0].metadata.eventId).to.not.equal(once[0]);
      expect(new Set(run([input, line(20, 'c1|cards|A|RINGNOANSWER|1000')]).map((e) => e.metadata.eventId)).size).to.equal(4);
    });
  });
});
