// Asterisk queue_log → ledger events, as a pure decider over the file's lines in order:
// `decide(input, state)` takes one line (or the end of the file) and returns the events it
// causes, updating the state (open calls and agents) in place. No I/O, no clock: the event ids
// are UUIDv5 of the source and the line (number and text), so importing the same file twice
// gives the same events, and a resumed import rebuilds the state by replaying the lines it has
// already committed. Lines it cannot take throw a QueueLogRejection (state unchanged).
//
// Semantics (docs/migration.md):
// - first ENTERQUEUE of a call id: InteractionStarted + QueueEntered (visit 1); a later ENTERQUEUE
//   under the same call id is a second queue visit (after a transfer or an exit to another queue).
// - RINGNOANSWER: InteractionOffered (at line time − ring time) + OfferTimedOut; RINGCANCELED:
//   InteractionOffered + OfferWithdrawn (CALLER_ABANDONED); CONNECT: InteractionOffered +
//   InteractionAnswered, and the agent BUSY.
// - COMPLETECALLER/COMPLETEAGENT: InteractionEnded (CUSTOMER/AGENT); ABANDON: InteractionAbandoned
//   (QUEUE) + InteractionEnded (CUSTOMER).
// - TRANSFER/BLINDTRANSFER/ATTENDEDTRANSFER and EXITWITHTIMEOUT/EXITEMPTY/EXITWITHKEY leave the
//   call "pending" for `settleMs`: if the same call enters a queue next, the transfer targets that
//   queue (and an exit was an overflow, the visit counted as exited); otherwise the call left the
//   queue system at the transfer/exit time (InteractionTransferred to OTHER + InteractionEnded,
//   or InteractionEnded by SYSTEM / CUSTOMER for EXITWITHKEY).
// - a call with no line for `horizonMs` is closed at its last line's time, and calls still open
//   at the end of the file at the file's last time (unless keepOpenAtEnd): InteractionEnded by
//   SYSTEM with releaseCause `legacy-import:no-exit-line`.
// - AGENTLOGIN/ADDMEMBER log in, AGENTLOGOFF/REMOVEMEMBER (last queue) log out, PAUSE/UNPAUSE
//   (ALL) and calls change the agent's state (BREAK with the reason / AVAILABLE / BUSY).
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../../schemas/generated/events.ts';
import { legacyCallerSubject, legacyEvent, legacyId, legacyInteractionId, normaliseCallerNumber, type EnvelopeParts } from '../legacy-events.ts';

export const QUEUE_LOG_COMPONENT = 'producers/asterisk-queue-log';
export const QUEUE_LOG_VERSION = '1';
export const NO_EXIT_LINE = 'legacy-import:no-exit-line';
export const TRANSFERRED_OUT = 'legacy-import:transferred-out';

export interface QueueLogSettings {
  /** Source name: events carry sourceSystem `legacy:<source>`; ids derive from it. */
  readonly source: string;
  /** Site (routing domain) of the legacy calls. */
  readonly site: string;
  /** A call with no line for this long (event time) is closed. Default 4 h. */
  readonly horizonMs: number;
  /** How long a transfer or queue exit waits for the call's next queue (event time). Default 10 s. */
  readonly settleMs: number;
  /** Leave calls open at the end of the file (a log still being written). Default false. */
  readonly keepOpenAtEnd: boolean;
  /** Salt of the legacy-caller data subject hash. Default ''. */
  readonly subjectSalt: string;
}

export const defaultQueueLogSettings: Omit<QueueLogSettings, 'source'> = { site: 'legacy', horizonMs: 4 * 3600_000, settleMs: 10_000, keepOpenAtEnd: false, subjectSalt: '' };

export type QueueLogInput =
  | { readonly kind: 'line'; readonly lineNo: number; readonly text: string }
  | { readonly kind: 'end' };

export class QueueLogRejection extends Error {
  override readonly name = 'QueueLogRejection';
}

/** Events the importer deliberately does not turn into ledger events. */
export const HOUSEKEEPING = new Set([
  'QUEUESTART', 'CONFIGRELOAD', 'PENALTY', 'RINGINUSE', 'AGENTDUMP', 'SYSCOMPAT', 'DID', 'INFO', 'AGENTCALLED', 'CALLERONHOLD', 'CALLEROFFHOLD',
  'UPDATEFIELD', 'PURGE', 'QUEUESTOP',
]);

export interface ParsedLine {
  readonly at: number;
  readonly callId: string;
  readonly queue: string;
  readonly agent: string;
  readonly event: string;
  readonly data: readonly string[];
}

export function parseQueueLogLine(text: string): ParsedLine {
  const fields = text.split('|');
  if (fields.length < 5) throw new QueueLogRejection(`expected at least 5 '|'-separated fields (epoch|callid|queue|agent|event), got ${fields.length}`);
  const [epoch, callId, queue, agent, event, ...data] = fields;
  if (!/^\d{9,11}(\.\d+)?$/.test(epoch)) throw new QueueLogRejection(`epoch: '${epoch.slice(0, 20)}' is not epoch seconds`);
  if (!/^[A-Z_]+$/.test(event)) throw new QueueLogRejection(`event: '${event.slice(0, 30)}' is not an event name`);
  return { at: Math.round(Number(epoch) * 1000), callId, queue, agent, event, data };
}

interface Visit {
  readonly visitId: string;
  readonly queueId: string;
  readonly enteredAt: number;
  offers: number;
}

interface Leg {
  readonly agentId: string;
  readonly answeredAt: number;
  readonly queueId: string | null;
}

interface Pending {
  readonly kind: 'TRANSFER' | 'EXIT';
  readonly at: number;
  /** Id base: the line that left the queue. */
  readonly idBase: string;
  readonly event: string;
  readonly data: readonly string[];
}

interface Call {
  readonly callId: string;
  readonly interactionId: string;
  readonly startedAt: number;
  readonly subject: string | null;
  lastAt: number;
  visits: number;
  visit: Visit | null;
  leg: Leg | null;
  pending: Pending | null;
}

type LedgerAgentState = LedgerEventMap['AgentStateChanged']['state'];

interface Agent {
  loggedIn: boolean;
  loggedInAt: number;
  viaAgentLogin: boolean;
  readonly queues: Set<string>;
  paused: boolean;
  pauseReason: string | null;
  onCall: string | null;
  /** The state last emitted (null: none yet / logged out). */
  state: LedgerAgentState | null;
}

export interface QueueLogState {
  readonly calls: Map<string, Call>;
  readonly agents: Map<string, Agent>;
  /** Queue names seen in ENTERQUEUE lines. */
  readonly queues: Set<string>;
  /** Calls with a transfer or exit waiting to settle. */
  readonly pending: Set<string>;
  lastAt: number;
  lastSweepAt: number;
  ended: boolean;
  /** Lines that were housekeeping or otherwise carried nothing to import. */
  ignored: number;
}

type Emit = <T extends LedgerEventType>(type: T, at: number, call: Call | null, data: LedgerEventMap[T]) => void;

function int(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

export function queueLogDecider(settings: QueueLogSettings) {
  const parts: EnvelopeParts = { source: settings.source, component: QUEUE_LOG_COMPONENT, version: QUEUE_LOG_VERSION };

  /** An emitter whose event ids derive from `base` (the line) and a running index. */
  const emitter = (out: AnyLedgerEvent[], base: string): Emit => {
    let index = 0;
    return (type, at, call, data) => {
      out.push(legacyEvent(parts, type, legacyId(settings.source, `${base}\n${index++}`), at, call?.interactionId ?? null, call?.subject ?? null, data));
    };
  };

  const agentOf = (state: QueueLogState, agentId: string): Agent => {
    let agent = state.agents.get(agentId);
    if (!agent) {
      agent = { loggedIn: false, loggedInAt: 0, viaAgentLogin: false, queues: new Set(), paused: false, pauseReason: null, onCall: null, state: null };
      state.agents.set(agentId, agent);
    }
    return agent;
  };

  /** Emits AgentStateChanged when the agent's effective state differs from the last one emitted. */
  const syncAgent = (emit: Emit, agentId: string, agent: Agent, at: number) => {
    if (!agent.loggedIn && agent.onCall === null && agent.state === null && !agent.paused) return;
    const next: LedgerAgentState = agent.onCall !== null ? 'BUSY' : agent.paused ? 'BREAK' : 'AVAILABLE';
    if (next === agent.state) return;
    emit('AgentStateChanged', at, null, {
      agentId, state: next, previousState: agent.state, reasonCode: next === 'BREAK' ? agent.pauseReason : null, interactionId: next === 'BUSY' ? agent.onCall : null,
    });
    agent.state = next;
  };

  const releaseAgent = (state: QueueLogState, emit: Emit, call: Call, at: number) => {
    if (!call.leg) return;
    const agent = state.agents.get(call.leg.agentId);
    if (agent && agent.onCall === call.interactionId) {
      agent.onCall = null;
      syncAgent(emit, call.leg.agentId, agent, at);
    }
  };

  const endCall = (state: QueueLogState, emit: Emit, call: Call, at: number, endedBy: 'CUSTOMER' | 'AGENT' | 'SYSTEM', releaseCause: string | null) => {
    emit('InteractionEnded', at, call, { endedBy, durationMs: Math.max(0, at - call.startedAt), agentId: call.leg?.agentId ?? null, releaseCause });
    releaseAgent(state, emit, call, at);
    state.calls.delete(call.callId);
    state.pending.delete(call.callId);
  };

  /** A transfer or exit that no queue entry followed: the call left the queue system then. */
  const settleOut = (state: QueueLogState, out: AnyLedgerEvent[], call: Call) => {
    const pending = call.pending;
    if (!pending) return;
    const emit = emitter(out, `${pending.idBase}\nsettled`);
    call.pending = null;
    state.pending.delete(call.callId);
    if (pending.kind === 'TRANSFER' && call.leg) {
      const [target, context] = pending.data;
      emit('InteractionTransferred', pending.at, call, {
        fromAgentId: call.leg.agentId, mode: transferMode(pending.event), targetKind: 'OTHER', targetQueueId: null, targetAgentId: null, targetExternalNumber: null,
        reason: pending.event === 'ATTENDEDTRANSFER' ? `${pending.event} ${target ?? ''}` : `${pending.event} ${target ?? ''}@${context ?? ''}`,
      });
      endCall(state, emit, call, pending.at, 'SYSTEM', TRANSFERRED_OUT);
    } else {
      endCall(state, emit, call, pending.at, pending.event === 'EXITWITHKEY' ? 'CUSTOMER' : 'SYSTEM', pending.event);
    }
  };

  /** The caller stays in the ledger's queue system: a transfer now targets `queueId`. */
  const settleIntoQueue = (state: QueueLogState, emit: Emit, call: Call, queueId: string) => {
    const pending = call.pending;
    call.pending = null;
    state.pending.delete(call.callId);
    if (pending?.kind === 'TRANSFER' && call.leg) {
      emit('InteractionTransferred', pending.at, call, {
        fromAgentId: call.leg.agentId, mode: transferMode(pending.event), targetKind: 'QUEUE', targetQueueId: queueId, targetAgentId: null, targetExternalNumber: null, reason: pending.event,
      });
      releaseAgent(state, emit, call, pending.at);
      call.leg = null;
    }
  };

  const closeUnfinished = (state: QueueLogState, out: AnyLedgerEvent[], call: Call, at: number) => {
    const emit = emitter(out, `close\n${call.interactionId}`);
    endCall(state, emit, call, at, 'SYSTEM', NO_EXIT_LINE);
  };

  const sweep = (state: QueueLogState, out: AnyLedgerEvent[], now: number, exceptCall: string) => {
    for (const callId of [...state.pending]) {
      const call = state.calls.get(callId);
      if (!call) {
        state.pending.delete(callId);
        continue;
      }
      if (callId !== exceptCall && call.pending && now - call.pending.at > settings.settleMs) settleOut(state, out, call);
    }
    if (now - state.lastSweepAt < 60_000) return;
    state.lastSweepAt = now;
    for (const call of [...state.calls.values()]) {
      if (call.callId !== exceptCall && !call.pending && now - call.lastAt > settings.horizonMs) closeUnfinished(state, out, call, call.lastAt);
    }
  };

  const openCall = (state: QueueLogState, line: ParsedLine): Call => {
    const call = state.calls.get(line.callId);
    if (!call) throw new QueueLogRejection(`${line.event}: call ${line.callId} has no open queue visit (no ENTERQUEUE before, or it already ended)`);
    return call;
  };

  const offer = (emit: Emit, call: Call, agentId: string, queueId: string, ringMs: number, at: number): string => {
    const visit = call.visit;
    const attempt = visit ? ++visit.offers : 1;
    const offerId = `${visit?.visitId ?? `${call.interactionId}/direct`}/offer-${attempt}`;
    const offeredAt = Math.max(visit?.enteredAt ?? call.startedAt, at - ringMs);
    emit('InteractionOffered', offeredAt, call, { offerId, agentId, queueId, ringTimeoutMs: ringMs, attempt });
    return offerId;
  };

  const callLine = (state: QueueLogState, line: ParsedLine, emit: Emit) => {
    const { at, data } = line;
    switch (line.event) {
      case 'ENTERQUEUE': {
        if (line.queue === '' || line.queue === 'NONE') throw new QueueLogRejection('ENTERQUEUE: queue is empty');
        let call = state.calls.get(line.callId);
        if (!call) {
          const interactionId = legacyInteractionId(settings.source, line.callId);
          const callerNumber = normaliseCallerNumber(data[1]);
          call = {
            callId: line.callId, interactionId, startedAt: at, subject: callerNumber === null ? null : legacyCallerSubject(callerNumber, settings.subjectSalt),
            lastAt: at, visits: 0, visit: null, leg: null, pending: null,
          };
          state.calls.set(line.callId, call);
          emit('InteractionStarted', at, call, {
            interactionId, channel: 'VOICE', direction: 'INBOUND', callerNumber, dialledNumber: null, site: settings.site,
            previousInteractionId: null, campaignId: null, contactId: null, externalCallId: line.callId,
          });
        } else if (call.pending) {
          settleIntoQueue(state, emit, call, line.queue);
        } else if (call.leg) {
          // Answered and now in another queue with no transfer line: a transfer all the same.
          emit('InteractionTransferred', at, call, {
            fromAgentId: call.leg.agentId, mode: 'UNKNOWN', targetKind: 'QUEUE', targetQueueId: line.queue, targetAgentId: null, targetExternalNumber: null, reason: null,
          });
        }
        if (call.leg) {
          releaseAgent(state, emit, call, at);
          call.leg = null;
        }
        state.queues.add(line.queue);
        call.visits += 1;
        call.visit = { visitId: `${call.interactionId}/visit-${call.visits}`, queueId: line.queue, enteredAt: at, offers: 0 };
        emit('QueueEntered', at, call, {
          visitId: call.visit.visitId, queueId: line.queue, tier: 'UNKNOWN', priority: 0, requiredSkills: [], position: int(data[2]) ?? 0, expectedWaitMs: null, intent: null,
        });
        return;
      }
      case 'RINGNOANSWER':
      case 'RINGCANCELED': {
        const call = openCall(state, line);
        const ringMs = Math.max(0, int(data[0]) ?? 0);
        const offerId = offer(emit, call, line.agent, call.visit?.queueId ?? line.queue, ringMs, at);
        if (line.event === 'RINGNOANSWER') emit('OfferTimedOut', at, call, { offerId, agentId: line.agent, ringMs });
        else emit('OfferWithdrawn', at, call, { offerId, agentId: line.agent, reason: 'CALLER_ABANDONED', ringMs });
        return;
      }
      case 'CONNECT': {
        const call = openCall(state, line);
        if (!call.visit) throw new QueueLogRejection(`CONNECT: call ${line.callId} is not waiting in a queue`);
        const holdS = int(data[0]);
        const ringMs = Math.max(0, (int(data[2]) ?? 0) * 1000);
        const visit = call.visit;
        const offerId = offer(emit, call, line.agent, visit.queueId, ringMs, at);
        emit('InteractionAnswered', at, call, { agentId: line.agent, offerId, queueId: visit.queueId, queueWaitMs: holdS === null ? at - visit.enteredAt : holdS * 1000, ringMs });
        call.visit = null;
        call.leg = { agentId: line.agent, answeredAt: at, queueId: visit.queueId };
        const agent = agentOf(state, line.agent);
        agent.onCall = call.interactionId;
        syncAgent(emit, line.agent, agent, at);
        return;
      }
      case 'COMPLETECALLER':
      case 'COMPLETEAGENT': {
        const call = openCall(state, line);
        if (!call.leg) throw new QueueLogRejection(`${line.event}: call ${line.callId} was not answered`);
        endCall(state, emit, call, at, line.event === 'COMPLETECALLER' ? 'CUSTOMER' : 'AGENT', null);
        return;
      }
      case 'ABANDON': {
        const call = openCall(state, line);
        if (!call.visit) throw new QueueLogRejection(`ABANDON: call ${line.callId} is not waiting in a queue`);
        const waitS = int(data[2]);
        emit('InteractionAbandoned', at, call, {
          stage: 'QUEUE', waitedMs: waitS === null ? at - call.visit.enteredAt : waitS * 1000, visitId: call.visit.visitId, queueId: call.visit.queueId, position: int(data[0]), ivrNodeId: null,
        });
        endCall(state, emit, call, at, 'CUSTOMER', null);
        return;
      }
      case 'EXITWITHTIMEOUT':
      case 'EXITEMPTY':
      case 'EXITWITHKEY': {
        const call = openCall(state, line);
        if (!call.visit) throw new QueueLogRejection(`${line.event}: call ${line.callId} is not waiting in a queue`);
        call.pending = { kind: 'EXIT', at, idBase: '', event: line.event, data };
        state.pending.add(call.callId);
        return;
      }
      case 'TRANSFER':
      case 'BLINDTRANSFER':
      case 'ATTENDEDTRANSFER': {
        const call = openCall(state, line);
        if (!call.leg) throw new QueueLogRejection(`${line.event}: call ${line.callId} was not answered`);
        call.pending = { kind: 'TRANSFER', at, idBase: '', event: line.event, data };
        state.pending.add(call.callId);
        return;
      }
      default:
        throw new QueueLogRejection(`event: '${line.event}' is not a queue_log event this importer knows`);
    }
  };

  const agentLine = (state: QueueLogState, line: ParsedLine, emit: Emit) => {
    const { at, data } = line;
    const agentId = line.agent;
    const agent = agentOf(state, agentId);
    const logIn = (station: string | null) => {
      if (agent.loggedIn) return;
      agent.loggedIn = true;
      agent.loggedInAt = at;
      emit('AgentLoggedIn', at, null, { agentId, skills: [], teams: [], site: settings.site, cohort: null, station, supervisorId: null });
    };
    const logOut = (sessionMs: number | null) => {
      if (!agent.loggedIn) return;
      agent.loggedIn = false;
      agent.viaAgentLogin = false;
      agent.queues.clear();
      emit('AgentLoggedOut', at, null, { agentId, reason: 'OTHER', sessionMs: sessionMs ?? Math.max(0, at - agent.loggedInAt) });
      agent.state = null;
    };
    switch (line.event) {
      case 'AGENTLOGIN':
        agent.viaAgentLogin = true;
        logIn(data[0] || null);
        break;
      case 'AGENTLOGOFF': {
        const seconds = int(data[1]);
        logOut(seconds === null ? null : seconds * 1000);
        return;
      }
      case 'ADDMEMBER':
        agent.queues.add(line.queue);
        if (data[0] === 'PAUSED' && !agent.loggedIn) {
          agent.paused = true;
          agent.pauseReason = null;
        }
        logIn(null);
        break;
      case 'REMOVEMEMBER':
        agent.queues.delete(line.queue);
        if (agent.queues.size === 0 && !agent.viaAgentLogin) logOut(null);
        return;
      case 'PAUSE':
      case 'PAUSEALL':
        agent.paused = true;
        agent.pauseReason = data[0] ? data[0] : null;
        break;
      case 'UNPAUSE':
      case 'UNPAUSEALL':
        agent.paused = false;
        agent.pauseReason = null;
        break;
    }
    syncAgent(emit, agentId, agent, at);
  };

  return {
    initialState(): QueueLogState {
      return { calls: new Map(), agents: new Map(), queues: new Set(), pending: new Set(), lastAt: 0, lastSweepAt: 0, ended: false, ignored: 0 };
    },

    decide(input: QueueLogInput, state: QueueLogState): readonly AnyLedgerEvent[] {
      const out: AnyLedgerEvent[] = [];
      if (input.kind === 'end') {
        if (state.ended) return out;
        state.ended = true;
        for (const callId of [...state.pending]) {
          const call = state.calls.get(callId);
          if (call) settleOut(state, out, call);
        }
        state.pending.clear();
        if (!settings.keepOpenAtEnd) for (const call of [...state.calls.values()]) closeUnfinished(state, out, call, state.lastAt);
        return out;
      }
      const text = input.text.trim();
      if (text === '') {
        state.ignored += 1;
        return out;
      }
      const line = parseQueueLogLine(text);
      if (HOUSEKEEPING.has(line.event)) {
        state.lastAt = Math.max(state.lastAt, line.at);
        state.ignored += 1;
        return out;
      }
      const isAgentEvent = AGENT_EVENTS.has(line.event);
      if (!isAgentEvent && !CALL_EVENTS.has(line.event)) throw new QueueLogRejection(`event: '${line.event}' is not a queue_log event this importer knows`);
      if (!isAgentEvent) validateCallLine(state, line);
      else if (line.agent === '' || line.agent === 'NONE') throw new QueueLogRejection(`${line.event}: agent is empty`);
      const base = `${input.lineNo}\n${text}`;
      // Settle other calls' transfers/exits and close stale calls before this line's own events.
      sweep(state, out, line.at, line.callId);
      state.lastAt = Math.max(state.lastAt, line.at);
      const emit = emitter(out, base);
      if (isAgentEvent) {
        agentLine(state, line, emit);
        return out;
      }
      const existing = state.calls.get(line.callId);
      if (existing?.pending && line.event !== 'ENTERQUEUE') settleOut(state, out, existing);
      if (line.event !== 'ENTERQUEUE' && !state.calls.has(line.callId)) {
        // The pending exit/transfer above just ended the call: this line has nothing left to act on.
        state.ignored += 1;
        return out;
      }
      callLine(state, line, emit);
      const call = state.calls.get(line.callId);
      if (call) {
        call.lastAt = line.at;
        if (call.pending) call.pending = { ...call.pending, idBase: base };
      }
      return out;
    },
  };
}

const AGENT_EVENTS = new Set(['AGENTLOGIN', 'AGENTLOGOFF', 'ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'PAUSEALL', 'UNPAUSE', 'UNPAUSEALL']);
const CALL_EVENTS = new Set([
  'ENTERQUEUE', 'CONNECT', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY', 'COMPLETECALLER', 'COMPLETEAGENT',
  'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER', 'RINGNOANSWER', 'RINGCANCELED',
]);

/** Checks done before any state changes, so a rejected line leaves the state as it was. */
function validateCallLine(state: QueueLogState, line: ParsedLine): void {
  if (line.callId === '' || line.callId === 'NONE') throw new QueueLogRejection(`${line.event}: call id is empty`);
  if (line.event === 'ENTERQUEUE') {
    if (line.queue === '' || line.queue === 'NONE') throw new QueueLogRejection('ENTERQUEUE: queue is empty');
    return;
  }
  const call = state.calls.get(line.callId);
  if (!call) throw new QueueLogRejection(`${line.event}: call ${line.callId} has no open queue visit (no ENTERQUEUE before, or it already ended)`);
  if (call.pending) return; // settled first; the line then acts on what is left
  const needsVisit = ['CONNECT', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY'].includes(line.event);
  const needsLeg = ['COMPLETECALLER', 'COMPLETEAGENT', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER'].includes(line.event);
  if (needsVisit && !call.visit) throw new QueueLogRejection(`${line.event}: call ${line.callId} is not waiting in a queue`);
  if (needsLeg && !call.leg) throw new QueueLogRejection(`${line.event}: call ${line.callId} was not answered`);
  if (['CONNECT', 'RINGNOANSWER', 'RINGCANCELED'].includes(line.event) && (line.agent === '' || line.agent === 'NONE')) {
    throw new QueueLogRejection(`${line.event}: agent is empty`);
  }
}

function transferMode(event: string): 'BLIND' | 'CONSULT' | 'UNKNOWN' {
  if (event === 'BLINDTRANSFER') return 'BLIND';
  if (event === 'ATTENDEDTRANSFER') return 'CONSULT';
  return 'UNKNOWN';
}
