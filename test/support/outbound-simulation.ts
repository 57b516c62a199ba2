// A seeded simulation of the telephony side of an outbound campaign, driving the REAL dialer
// decider at compressed event time: every second of event time it ticks the dialer, plays the
// dials it decided (answered / busy / voicemail / no answer, with ring times), connects answered
// calls to a free agent of the group (as routing would: at once if one is free, else the call
// waits and is dropped after the grace), and plays the agents' talk (log-normal) and wrap-up.
// Used by the spec (2,000 contacts) and by `npm run bench:outbound` (50,000 contacts, 50 agents).
import type { LedgerEvent, LedgerEventMap } from '../../schemas/generated/events.ts';
import type { Decision } from '../../streams/runtime/processor.ts';
import { IndexedHeap, type HeapItem } from '../../streams/routing/indexed-heap.ts';
import { contactPriority, parseCampaignConfig, type CampaignConfig, type DialModeName } from '../../streams/outbound/campaign-config.ts';
import { decide, initialState, type DialerInput, type DialerState } from '../../streams/outbound/dialer.decider.ts';
import { campaignTalkSeconds, campaignWrapUpSeconds, defaultTelephonyShares, dialOutcome, drawLogNormal, logNormalOfMedian } from '../../producers/simulator/telephony.ts';
import { seededRandom } from './seeded-random.ts';

export interface SimulationOptions {
  readonly mode: DialModeName;
  readonly contacts: number;
  readonly agents: number;
  readonly seed: number;
  /** Stop after this many days of event time even if contacts remain. Default 30. */
  readonly maxDays?: number;
  /** Telephony: share of dials answered, busy, to voicemail (the rest ring out); default producers/simulator/telephony.ts. */
  readonly answer?: number;
  readonly busy?: number;
  readonly voicemail?: number;
}

export interface SimulationResult {
  readonly mode: DialModeName;
  readonly contacts: number;
  readonly agents: number;
  readonly attempts: number;
  readonly connects: number;
  readonly drops: number;
  /** drops ÷ connects over the whole campaign (the regulator's figure for a campaign shorter than 30 days). */
  readonly abandonRate: number;
  /** Largest rolling-window abandon rate (window of the campaign's configuration, once it holds 50 connects). */
  readonly maxRollingAbandonRate: number;
  readonly cap: number;
  /** Calls an agent talked to. */
  readonly agentContacts: number;
  readonly promisesToPay: number;
  readonly staffedAgentHours: number;
  /** Share of staffed time agents sat AVAILABLE with no call. */
  readonly agentIdleShare: number;
  readonly contactsPerAgentHour: number;
  /** The same two figures over the first shift only (the list is full: no tail of retries waiting for their spacing). */
  readonly firstShift: { readonly agentIdleShare: number; readonly contactsPerAgentHour: number };
  readonly contactsDone: number;
  readonly eventHours: number;
  readonly dialledOutsideWindow: number;
  readonly dialledDoNotCall: number;
}

/** Monday 2026-01-05 00:00 CST (UTC+8). */
const dayZero = Date.UTC(2026, 0, 4, 16, 0, 0);
const hourMs = 3_600_000;
/** Agents' shift in CST: covers the calling windows of customers at UTC+8 and UTC+9. */
const shift = { from: 8, to: 21 };

export function simulationCampaign(mode: DialModeName, overrides: Partial<CampaignConfig> = {}): CampaignConfig {
  return parseCampaignConfig({
    campaignId: `sim-${mode.toLowerCase()}`, version: 1, name: '信用卡逾期提醒 simulation', purpose: 'PAYMENT_REMINDER', script: 'overdue-reminder-v1', dialMode: mode,
    site: 'shanghai', queueId: 'outbound-collections', agentGroup: 'collections',
    pacing: { previewSeconds: 20 },
    abandonCap: { rate: 0.03, graceSeconds: 2, rollingWindowMinutes: 60, backoffAt: 0.8 },
    callingWindows: { defaultUtcOffsetMinutes: 480, weekly: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '09:00', close: '20:00' }] },
    maxAttempts: 3, retryAfterMinutes: { NO_ANSWER: 120, BUSY: 15, VOICEMAIL: 240 },
    doNotCall: { customerIds: ['C-000007', 'C-000077'] },
    ...overrides,
  });
}

interface Pending extends HeapItem { readonly at: number; readonly seq: number; run(): void }

interface SimAgent { readonly id: string; free: boolean }

export function simulateCampaign(options: SimulationOptions): SimulationResult {
  const random = seededRandom(options.seed);
  const config = simulationCampaign(options.mode);
  const state: DialerState = initialState();
  const queue = new IndexedHeap<Pending>((a, b) => (a.at !== b.at ? a.at < b.at : a.seq < b.seq));
  let seq = 0;
  let eventCounter = 0;
  const later = (at: number, run: () => void): void => queue.push({ at, seq: seq++, run, heapIndex: -1 });
  const event = <T extends DialerInput['type']>(type: T, at: number, data: LedgerEventMap[T], interactionId: string | null = null): LedgerEvent<T> => ({
    type,
    metadata: {
      eventId: `00000000-0000-4000-9000-${(++eventCounter).toString(16).padStart(12, '0')}`, eventType: type, occurredAt: at, recordedAt: at, sourceSystem: 'simulator',
      interactionId, correlationId: null, causationId: null, producer: { component: 'simulator', version: '1' }, dataSubject: null,
    },
    data,
  });

  const stats = { attempts: 0, connects: 0, drops: 0, agentContacts: 0, promisesToPay: 0, idleMs: 0, staffedMs: 0, dialledOutsideWindow: 0, dialledDoNotCall: 0 };
  const judged: { at: number; dropped: boolean }[] = [];
  const offsets = new Map<string, number>();
  const customers = new Map<string, string>();
  const agents: SimAgent[] = Array.from({ length: options.agents }, (_, i) => ({ id: `agent-${String(i + 1).padStart(3, '0')}`, free: true }));
  const waiting: { interactionId: string; connectedAt: number }[] = [];
  const shares = { ...defaultTelephonyShares, answer: options.answer ?? defaultTelephonyShares.answer, busy: options.busy ?? defaultTelephonyShares.busy, voicemail: options.voicemail ?? defaultTelephonyShares.voicemail };

  const feed = (input: DialerInput): void => {
    for (const decision of decide(input, state)) react(decision);
  };

  const assign = (agent: SimAgent, interactionId: string, at: number): void => {
    agent.free = false;
    const answeredAt = at + 500;
    later(answeredAt, () => {
      feed(event('InteractionAnswered', answeredAt, { agentId: agent.id, offerId: null, queueId: config.queueId, queueWaitMs: null, ringMs: 500 }, interactionId));
      feed(event('AgentStateChanged', answeredAt, { agentId: agent.id, state: 'BUSY', previousState: 'AVAILABLE', reasonCode: null, interactionId }));
      stats.agentContacts++;
      const talkEnd = answeredAt + Math.round(drawLogNormal(random, campaignTalkSeconds) * 1000);
      later(talkEnd, () => {
        feed(event('InteractionEnded', talkEnd, { endedBy: 'CUSTOMER', durationMs: talkEnd - answeredAt, agentId: agent.id, releaseCause: null }, interactionId));
        feed(event('AgentStateChanged', talkEnd, { agentId: agent.id, state: 'WRAP_UP', previousState: 'BUSY', reasonCode: null, interactionId }));
        if (random() < 0.4) stats.promisesToPay++;
        const wrapEnd = talkEnd + Math.round(drawLogNormal(random, campaignWrapUpSeconds) * 1000);
        later(wrapEnd, () => {
          feed(event('AgentStateChanged', wrapEnd, { agentId: agent.id, state: 'AVAILABLE', previousState: 'WRAP_UP', reasonCode: null, interactionId: null }));
          agentFree(agent, wrapEnd);
        });
      });
    });
  };

  const agentFree = (agent: SimAgent, at: number): void => {
    agent.free = true;
    while (waiting.length > 0) {
      const call = waiting.shift() as { interactionId: string; connectedAt: number };
      if (at <= call.connectedAt + config.abandonCap.graceSeconds * 1000) {
        judged.push({ at, dropped: false });
        return assign(agent, call.interactionId, at);
      }
    }
  };

  const connect = (interactionId: string, at: number): void => {
    stats.connects++;
    const agent = agents.find((a) => a.free);
    if (agent) {
      judged.push({ at, dropped: false });
      return assign(agent, interactionId, at);
    }
    const call = { interactionId, connectedAt: at };
    waiting.push(call);
    const giveUp = at + config.abandonCap.graceSeconds * 1000 + 1;
    later(giveUp, () => {
      const index = waiting.indexOf(call);
      if (index < 0) return;
      waiting.splice(index, 1);
      stats.drops++;
      judged.push({ at: giveUp, dropped: true });
      feed(event('InteractionAbandoned', giveUp, { stage: 'QUEUE', waitedMs: giveUp - at, visitId: null, queueId: config.queueId, position: null, ivrNodeId: null }, interactionId));
      feed(event('InteractionEnded', giveUp, { endedBy: 'SYSTEM', durationMs: giveUp - at, agentId: null, releaseCause: 'safe-harbour message played' }, interactionId));
    });
  };

  const react = (decision: Decision): void => {
    if (decision.type === 'QueueEntered' && decision.interactionId !== null) return connect(decision.interactionId, decision.occurredAt);
    if (decision.type !== 'DialAttempted') return;
    const dial = decision.data as LedgerEventMap['DialAttempted'];
    const at = decision.occurredAt;
    stats.attempts++;
    if (customers.get(dial.contactId) !== undefined && config.doNotCall.customerIds.includes(customers.get(dial.contactId) as string)) stats.dialledDoNotCall++;
    const localHour = new Date(at + (offsets.get(dial.contactId) ?? 480) * 60_000).getUTCHours();
    if (localHour < 9 || localHour >= 20) stats.dialledOutsideWindow++;
    const { result, ringMs, sipCause } = dialOutcome(random, shares);
    const resultAt = at + ringMs;
    later(resultAt, () => feed(event('DialResult', resultAt, {
      campaignId: dial.campaignId, contactId: dial.contactId, attemptId: dial.attemptId, result, ringMs, agentId: null, interactionId: dial.interactionId, sipCause,
    })));
  };

  const start = dayZero + 8 * hourMs;
  feed(event('CampaignStarted', start, {
    campaignId: config.campaignId, campaignVersion: config.version, name: config.name, purpose: config.purpose, dialMode: config.dialMode,
    config: JSON.stringify(config), maxDropRate: config.abandonCap.rate, startedBy: 'simulation',
  }));
  for (let i = 0; i < options.contacts; i++) {
    const contactId = `K-${String(i + 1).padStart(6, '0')}`;
    const customerId = `C-${String(i + 1).padStart(6, '0')}`;
    const utcOffsetMinutes = random() < 0.1 ? 540 : 480;
    offsets.set(contactId, utcOffsetMinutes);
    customers.set(contactId, customerId);
    const daysOverdue = 1 + Math.floor(random() * 90);
    const amount = Math.round(drawLogNormal(random, logNormalOfMedian(3000, 1)));
    feed(event('ContactScheduled', start, {
      campaignId: config.campaignId, contactId, customerId, phoneNumber: `+86139${String(i).padStart(8, '0')}`, dueAt: start, expiresAt: null,
      priority: contactPriority(config.priority, daysOverdue, amount), maxAttempts: 3, amountDue: { amountMinor: amount * 100, currency: 'CNY' }, utcOffsetMinutes,
    }));
  }
  for (const agent of agents) {
    feed(event('AgentLoggedIn', start, { agentId: agent.id, skills: [], teams: ['collections'], site: 'shanghai', cohort: null, station: null, supervisorId: null }));
    feed(event('AgentStateChanged', start, { agentId: agent.id, state: 'AVAILABLE', previousState: 'UNKNOWN', reasonCode: null, interactionId: null }));
  }

  const campaign = state.campaigns.get(config.campaignId);
  if (!campaign) throw new Error('the simulated campaign did not start');
  const end = start + (options.maxDays ?? 30) * 24 * hourMs;
  let now = start;
  let tickSequence = 0;
  const unfinished = (): boolean => {
    for (const contact of campaign.contacts.values()) if (contact.status !== 'DONE') return true;
    return false;
  };
  let checkAt = now;
  let firstShift: SimulationResult['firstShift'] | undefined;
  while (now < end) {
    now += 1000;
    for (let next = queue.peek(); next && next.at <= now; next = queue.peek()) {
      queue.pop();
      next.run();
    }
    feed(event('RoutingClockTicked', now, { site: 'shanghai', now, sequence: ++tickSequence }));
    const hour = new Date(now + 8 * hourMs).getUTCHours();
    if (hour >= shift.from && hour < shift.to) {
      stats.staffedMs += 1000 * agents.length;
      stats.idleMs += 1000 * agents.filter((a) => a.free).length;
    } else if (firstShift === undefined && now > start) {
      firstShift = { agentIdleShare: round(stats.idleMs / stats.staffedMs, 4), contactsPerAgentHour: round(stats.agentContacts / (stats.staffedMs / hourMs), 2) };
    }
    if (now - checkAt >= 60_000) {
      checkAt = now;
      if (!unfinished() && queue.size === 0) break;
    }
  }

  const window = config.abandonCap.rollingWindowMinutes * 60_000;
  let maxRolling = 0;
  let first = 0;
  let drops = 0;
  judged.sort((a, b) => a.at - b.at);
  for (let last = 0; last < judged.length; last++) {
    if (judged[last].dropped) drops++;
    while (judged[first].at < judged[last].at - window) {
      if (judged[first].dropped) drops--;
      first++;
    }
    const count = last - first + 1;
    if (count >= 50) maxRolling = Math.max(maxRolling, drops / count);
  }
  const staffedAgentHours = stats.staffedMs / hourMs;
  return {
    mode: options.mode, contacts: options.contacts, agents: options.agents, attempts: stats.attempts, connects: stats.connects, drops: stats.drops,
    abandonRate: stats.connects === 0 ? 0 : stats.drops / stats.connects, maxRollingAbandonRate: maxRolling, cap: config.abandonCap.rate,
    agentContacts: stats.agentContacts, promisesToPay: stats.promisesToPay, staffedAgentHours: round(staffedAgentHours, 2),
    agentIdleShare: round(stats.idleMs / Math.max(1, stats.staffedMs), 4), contactsPerAgentHour: round(stats.agentContacts / Math.max(1e-9, staffedAgentHours), 2),
    firstShift: firstShift ?? { agentIdleShare: round(stats.idleMs / Math.max(1, stats.staffedMs), 4), contactsPerAgentHour: round(stats.agentContacts / Math.max(1e-9, staffedAgentHours), 2) },
    contactsDone: [...campaign.contacts.values()].filter((c) => c.status === 'DONE').length, eventHours: round((now - start) / hourMs, 2),
    dialledOutsideWindow: stats.dialledOutsideWindow, dialledDoNotCall: stats.dialledDoNotCall,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
