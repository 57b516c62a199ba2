// The outbound dialer of one site: a pure, event-time decider over the site's ordered outbound
// input stream (campaign control events, contacts, dial results, the group's agent states,
// campaign calls' answers and ends, and RoutingClockTicked ticks). No wall clock, no randomness,
// no I/O: replaying the stream reproduces every dial decision. At each tick every running
// campaign releases the contacts that fell due, judges connected calls that waited past the
// grace (drops), adapts its pacing and dials the best contacts that may be called now.
// Connected calls enter routing as outbound interactions (InteractionStarted, CustomerIdentified,
// QueueEntered), so the agent gets the customer's screen pop.
import type { AgentStateChangedData, LedgerEvent, LedgerEventMap } from '../../schemas/generated/events.ts';
import type { Decision } from '../runtime/processor.ts';
import { uuidV5, decisionNamespace } from '../runtime/uuid-v5.ts';
import { IndexedHeap, type HeapItem } from '../routing/indexed-heap.ts';
import { RuleValidationError } from '../rules/rule-document.ts';
import { inCallingWindow, parseCampaignConfig, type CampaignConfig, type RetryableResult } from './campaign-config.ts';
import { adapt, aggressivenessBounds, minimumConnectsForRate, pace } from './pacing.ts';

export const dialerComponent = 'streams/outbound';

export const dialerInputTypes = [
  'RoutingClockTicked', 'CampaignStarted', 'CampaignPaused', 'CampaignResumed', 'CampaignEnded', 'ContactScheduled', 'DialResult',
  'AgentLoggedIn', 'AgentLoggedOut', 'AgentStateChanged', 'InteractionAnswered', 'InteractionAbandoned', 'InteractionEnded',
] as const;
export type DialerInputType = (typeof dialerInputTypes)[number];
export type DialerInput = { [T in DialerInputType]: LedgerEvent<T> }[DialerInputType];

type RejectionKind = 'invalid-campaign' | 'stale-version' | 'unknown-campaign' | 'unknown-attempt';

export class DialerInputRejected extends Error {
  override readonly name = 'DialerInputRejected';
  readonly retriable = false;
  readonly kind: RejectionKind;

  constructor(kind: RejectionKind, message: string, cause?: unknown) {
    super(message, { cause });
    this.kind = kind;
  }
}

type ContactStatus = 'PENDING' | 'DIALLING' | 'CONNECTED' | 'DONE';
/** Why a contact is done: reached, or why the dialer gave up. */
export type ContactOutcome = 'REACHED' | 'ATTEMPTS_EXHAUSTED' | 'EXPIRED' | 'DO_NOT_CALL' | 'CAMPAIGN_ENDED';

export interface ContactEntry extends HeapItem {
  readonly contactId: string;
  customerId: string | null;
  priority: number;
  dueAt: number;
  expiresAt: number | null;
  maxAttempts: number;
  utcOffsetMinutes: number | null;
  attempts: number;
  status: ContactStatus;
  outcome: ContactOutcome | null;
  /** In the not-due heap (true) or in its offset's ready heap (false), while PENDING. */
  waiting: boolean;
}

interface Attempt { readonly attemptId: string; readonly contactId: string; readonly interactionId: string; readonly dialledAt: number }
interface ConnectedCall { readonly interactionId: string; readonly contactId: string; readonly attemptId: string; readonly connectedAt: number }
interface PreviewHold { readonly contactId: string; readonly dialAt: number }

export interface CampaignRun {
  config: CampaignConfig;
  status: 'RUNNING' | 'PAUSED' | 'ENDED';
  readonly contacts: Map<string, ContactEntry>;
  readonly notDue: IndexedHeap<ContactEntry>;
  /** Due contacts per customer UTC offset (a calling window opens for a whole offset at once). */
  readonly ready: Map<number, IndexedHeap<ContactEntry>>;
  readonly inFlight: Map<string, Attempt>;
  /** Answered calls waiting for an agent, by interaction. */
  readonly connected: Map<string, ConnectedCall>;
  previews: PreviewHold[];
  /** The most recent dial results, true = answered (the answer rate). */
  results: boolean[];
  /** Recent handle times (busy → free) of the campaign's calls, ms. */
  handleTimes: number[];
  /** Mean ring time of answered dials, ms (exponentially weighted). */
  answerRingMs: number;
  /** Connected calls judged (true = dropped), oldest first, for the rolling abandon rate. */
  judged: { at: number; dropped: boolean }[];
  aggressiveness: number;
  lastAdaptAt: number;
  idleSinceAdapt: boolean;
  /** No room for one more drop under the back-off threshold: predictive dials 1:1. */
  atCap: boolean;
  readonly totals: { attempts: number; connects: number; drops: number; reached: number };
}

export interface AgentView {
  readonly teams: readonly string[];
  state: AgentStateChangedData['state'];
  /** Start of the current call (BUSY through WRAP_UP), for "about to be free". */
  busySince: number | null;
  /** The campaign whose call the agent is on, for the campaign's handle time. */
  campaignId: string | null;
}

export interface DialerState {
  now: number;
  readonly agents: Map<string, AgentView>;
  readonly campaigns: Map<string, CampaignRun>;
  /** Campaign calls (interaction → campaign), from connect until the interaction ends. */
  readonly calls: Map<string, string>;
}

export function initialState(): DialerState {
  return { now: 0, agents: new Map(), campaigns: new Map(), calls: new Map() };
}

const recentHandleTimes = 200;
const defaultAnswerRingMs = 15_000;
const priorWeight = 20;

export function decide(input: DialerInput, state: DialerState): Decision[] {
  validate(state, input);
  const time = input.type === 'RoutingClockTicked' ? Math.max(input.data.now, input.metadata.occurredAt) : input.metadata.occurredAt;
  state.now = Math.max(state.now, time);
  const out: Decision[] = [];
  apply(state, input, out);
  return out;
}

export function evolve(state: DialerState, input: DialerInput): DialerState {
  decide(input, state);
  return state;
}

/** Everything that can refuse the input, checked before the state changes. */
function validate(state: DialerState, input: DialerInput): void {
  switch (input.type) {
    case 'CampaignStarted': {
      let config: CampaignConfig;
      try {
        config = parseCampaignConfig(input.data.config);
      } catch (error) {
        if (error instanceof RuleValidationError) throw new DialerInputRejected('invalid-campaign', `CampaignStarted: config: ${error.message} [invalid-campaign]`, error);
        throw error;
      }
      const mismatch = ([['campaignId', input.data.campaignId, config.campaignId], ['campaignVersion', input.data.campaignVersion, config.version], ['dialMode', input.data.dialMode, config.dialMode]] as const)
        .find(([, event, document]) => event !== document);
      if (mismatch) throw new DialerInputRejected('invalid-campaign', `CampaignStarted: ${mismatch[0]}: '${mismatch[1]}' differs from the configuration's '${mismatch[2]}' [matches-config]`);
      const running = state.campaigns.get(config.campaignId);
      if (running && running.config.version > config.version) {
        throw new DialerInputRejected('stale-version', `CampaignStarted: campaignVersion: ${config.version} is older than the running version ${running.config.version} [increasing]`);
      }
      return;
    }
    case 'CampaignPaused':
    case 'CampaignResumed':
    case 'CampaignEnded':
    case 'ContactScheduled':
    case 'DialResult': {
      const campaign = state.campaigns.get(input.data.campaignId);
      if (!campaign) throw new DialerInputRejected('unknown-campaign', `${input.type}: campaignId: no CampaignStarted for campaign '${input.data.campaignId}' [unknown-campaign]`);
      if (input.type === 'DialResult' && !campaign.inFlight.has(input.data.attemptId)) {
        throw new DialerInputRejected('unknown-attempt', `DialResult: attemptId: '${input.data.attemptId}' is not a dial in flight of campaign '${input.data.campaignId}' [unknown-attempt]`);
      }
      return;
    }
    default:
      return;
  }
}

function apply(state: DialerState, input: DialerInput, out: Decision[]): void {
  switch (input.type) {
    case 'RoutingClockTicked':
      for (const [campaignId, campaign] of [...state.campaigns].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) tick(state, campaignId, campaign, out);
      return;
    case 'CampaignStarted':
      return start(state, parseCampaignConfig(input.data.config));
    case 'CampaignPaused':
      return setStatus(state, input.data.campaignId, 'PAUSED');
    case 'CampaignResumed':
      return setStatus(state, input.data.campaignId, 'RUNNING');
    case 'CampaignEnded':
      return end(state, input.data.campaignId);
    case 'ContactScheduled':
      return schedule(required(state, input.data.campaignId), input.data);
    case 'DialResult':
      return dialResult(state, required(state, input.data.campaignId), input.data, out);
    case 'AgentLoggedIn':
      state.agents.set(input.data.agentId, { teams: input.data.teams, state: 'UNKNOWN', busySince: null, campaignId: null });
      return;
    case 'AgentLoggedOut':
      state.agents.delete(input.data.agentId);
      return;
    case 'AgentStateChanged':
      return agentState(state, input.data);
    case 'InteractionAnswered':
      return agentConnected(state, input.metadata.interactionId ?? '', out);
    case 'InteractionAbandoned':
    case 'InteractionEnded':
      return callEnded(state, input.metadata.interactionId ?? '', input.type === 'InteractionEnded', out);
  }
}

function required(state: DialerState, campaignId: string): CampaignRun {
  return state.campaigns.get(campaignId) as CampaignRun;
}

// ───────────────────────────── control ─────────────────────────────

function byDue(a: ContactEntry, b: ContactEntry): boolean {
  return a.dueAt !== b.dueAt ? a.dueAt < b.dueAt : a.contactId < b.contactId;
}

function byPriority(a: ContactEntry, b: ContactEntry): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return byDue(a, b);
}

function newRun(config: CampaignConfig): CampaignRun {
  return {
    config, status: 'RUNNING', contacts: new Map(), notDue: new IndexedHeap(byDue), ready: new Map(), inFlight: new Map(), connected: new Map(), previews: [],
    results: [], handleTimes: [], answerRingMs: defaultAnswerRingMs, judged: [], aggressiveness: aggressivenessBounds.initial, lastAdaptAt: 0, idleSinceAdapt: false,
    atCap: true, totals: { attempts: 0, connects: 0, drops: 0, reached: 0 },
  };
}

function start(state: DialerState, config: CampaignConfig): void {
  const running = state.campaigns.get(config.campaignId);
  if (!running) {
    state.campaigns.set(config.campaignId, newRun(config));
    return;
  }
  // A new configuration version keeps the contacts, their attempts and the pacing history.
  running.config = config;
  if (running.status === 'ENDED') running.status = 'RUNNING';
}

function setStatus(state: DialerState, campaignId: string, status: 'RUNNING' | 'PAUSED'): void {
  const campaign = required(state, campaignId);
  if (campaign.status !== 'ENDED') campaign.status = status;
}

function end(state: DialerState, campaignId: string): void {
  const campaign = required(state, campaignId);
  campaign.status = 'ENDED';
  for (const hold of campaign.previews) finish(campaign, campaign.contacts.get(hold.contactId) as ContactEntry, 'CAMPAIGN_ENDED');
  campaign.previews = [];
  for (const contact of campaign.contacts.values()) {
    if (contact.status === 'PENDING') finish(campaign, contact, 'CAMPAIGN_ENDED');
  }
}

function schedule(campaign: CampaignRun, data: LedgerEventMap['ContactScheduled']): void {
  const known = campaign.contacts.get(data.contactId);
  if (known && (known.status !== 'PENDING' || known.attempts > 0)) return; // re-import of a contact already in progress: nothing changes
  if (known) unqueue(campaign, known);
  const contact: ContactEntry = known ?? {
    contactId: data.contactId, customerId: null, priority: 0, dueAt: 0, expiresAt: null, maxAttempts: 0, utcOffsetMinutes: null,
    attempts: 0, status: 'PENDING', outcome: null, waiting: true, heapIndex: -1,
  };
  contact.customerId = data.customerId;
  contact.priority = data.priority;
  contact.dueAt = data.dueAt;
  contact.expiresAt = data.expiresAt;
  contact.maxAttempts = data.maxAttempts;
  contact.utcOffsetMinutes = data.utcOffsetMinutes;
  campaign.contacts.set(contact.contactId, contact);
  if (campaign.status === 'ENDED') finish(campaign, contact, 'CAMPAIGN_ENDED');
  else enqueue(campaign, contact);
}

// ───────────────────────────── contacts ─────────────────────────────

function offsetOf(campaign: CampaignRun, contact: ContactEntry): number {
  return contact.utcOffsetMinutes ?? campaign.config.callingWindows.defaultUtcOffsetMinutes;
}

function enqueue(campaign: CampaignRun, contact: ContactEntry): void {
  contact.status = 'PENDING';
  contact.waiting = true;
  campaign.notDue.push(contact);
}

function unqueue(campaign: CampaignRun, contact: ContactEntry): void {
  if (contact.waiting) campaign.notDue.remove(contact);
  else campaign.ready.get(offsetOf(campaign, contact))?.remove(contact);
}

function finish(campaign: CampaignRun, contact: ContactEntry, outcome: ContactOutcome): void {
  if (contact.status === 'PENDING' && contact.heapIndex >= 0) unqueue(campaign, contact);
  contact.status = 'DONE';
  contact.outcome = outcome;
  if (outcome === 'REACHED') campaign.totals.reached++;
}

function releaseDue(campaign: CampaignRun, now: number): void {
  for (let next = campaign.notDue.peek(); next && next.dueAt <= now; next = campaign.notDue.peek()) {
    campaign.notDue.pop();
    next.waiting = false;
    const offset = offsetOf(campaign, next);
    let heap = campaign.ready.get(offset);
    if (!heap) campaign.ready.set(offset, (heap = new IndexedHeap(byPriority)));
    heap.push(next);
  }
}

/** The best due contact that may be called now (open window, not barred), or undefined; barred and stale ones are finished on the way. */
function nextContact(campaign: CampaignRun, now: number): ContactEntry | undefined {
  const doNotCall = campaign.config.doNotCall.customerIds;
  for (;;) {
    let best: ContactEntry | undefined;
    for (const [offset, heap] of campaign.ready) {
      const head = heap.peek();
      if (head && (!best || byPriority(head, best)) && inCallingWindow(campaign.config.callingWindows, offset, now)) best = head;
    }
    if (!best) return undefined;
    campaign.ready.get(offsetOf(campaign, best))?.pop();
    best.waiting = true;
    if (best.customerId !== null && doNotCall.includes(best.customerId)) finish(campaign, best, 'DO_NOT_CALL');
    else if (best.expiresAt !== null && best.expiresAt <= now) finish(campaign, best, 'EXPIRED');
    else if (best.attempts >= maxAttemptsOf(campaign, best)) finish(campaign, best, 'ATTEMPTS_EXHAUSTED');
    else return best;
  }
}

function maxAttemptsOf(campaign: CampaignRun, contact: ContactEntry): number {
  return Math.min(campaign.config.maxAttempts, contact.maxAttempts > 0 ? contact.maxAttempts : campaign.config.maxAttempts);
}

/** After an attempt that did not reach the customer: the next attempt after the result's spacing, or done. */
function retryLater(campaign: CampaignRun, contact: ContactEntry, result: RetryableResult, now: number): void {
  if (contact.attempts >= maxAttemptsOf(campaign, contact)) return finish(campaign, contact, 'ATTEMPTS_EXHAUSTED');
  if (campaign.status === 'ENDED') return finish(campaign, contact, 'CAMPAIGN_ENDED');
  contact.dueAt = now + campaign.config.retryAfterMinutes[result] * 60_000;
  enqueue(campaign, contact);
}

// ───────────────────────────── the tick ─────────────────────────────

function tick(state: DialerState, campaignId: string, campaign: CampaignRun, out: Decision[]): void {
  const now = state.now;
  judgeWaitingCalls(campaign, now, out);
  releaseDue(campaign, now);
  trimJudged(campaign, now);
  const { free, aboutToBeFree } = agentsFor(state, campaignId, campaign);
  adaptPacing(campaign, now);
  if (campaign.status !== 'RUNNING') return;
  const config = campaign.config;
  const dueHolds = campaign.previews.filter((hold) => hold.dialAt <= now);
  campaign.previews = campaign.previews.filter((hold) => hold.dialAt > now);
  const { lines, dialLevel } = pace({
    mode: config.dialMode, freeAgents: free, aboutToBeFree, linesInFlight: campaign.inFlight.size + dueHolds.length, waitingConnected: campaign.connected.size,
    previewing: campaign.previews.length, answerRate: answerRate(campaign), targetDropShare: config.abandonCap.rate * campaign.aggressiveness, maxDialLevel: config.pacing.maxDialLevel,
    oneToOneOnly: campaign.atCap,
  });
  for (const hold of dueHolds) {
    const contact = campaign.contacts.get(hold.contactId) as ContactEntry;
    // The window may have closed while the agent read the contact: back to the list, no attempt spent.
    if (inCallingWindow(config.callingWindows, offsetOf(campaign, contact), now)) dial(campaign, contact, now, null, out);
    else {
      contact.dueAt = now;
      enqueue(campaign, contact);
    }
  }
  let listRanDry = false;
  for (let i = 0; i < lines; i++) {
    const contact = nextContact(campaign, now);
    if (!contact) {
      listRanDry = true;
      break;
    }
    if (config.dialMode === 'PREVIEW' && config.pacing.previewSeconds > 0) {
      contact.status = 'DIALLING';
      campaign.previews.push({ contactId: contact.contactId, dialAt: now + config.pacing.previewSeconds * 1000 });
    } else {
      dial(campaign, contact, now, config.dialMode === 'PREDICTIVE' ? dialLevel : null, out);
    }
  }
  // Agents idle because the pacing held back (not because no contact could be called now) is what raises the aggressiveness.
  if (free > 0 && !listRanDry) campaign.idleSinceAdapt = true;
}

function dial(campaign: CampaignRun, contact: ContactEntry, now: number, dialLevel: number | null, out: Decision[]): void {
  contact.attempts++;
  contact.status = 'DIALLING';
  campaign.totals.attempts++;
  const campaignId = campaign.config.campaignId;
  const attemptId = `${contact.contactId}#${contact.attempts}`;
  const interactionId = uuidV5(`outbound/${campaignId}/${attemptId}`, decisionNamespace);
  campaign.inFlight.set(attemptId, { attemptId, contactId: contact.contactId, interactionId, dialledAt: now });
  out.push({
    type: 'DialAttempted', occurredAt: now, interactionId: null,
    data: { campaignId, contactId: contact.contactId, attemptId, attemptNumber: contact.attempts, interactionId, dialLevel: dialLevel === null ? null : Math.round(dialLevel * 1000) / 1000 },
  });
}

/** Free and about-to-be-free agents of the campaign's group; free agents are shared out among the running campaigns of one group in campaign id order. */
function agentsFor(state: DialerState, campaignId: string, campaign: CampaignRun): { free: number; aboutToBeFree: number } {
  const group = campaign.config.agentGroup;
  let free = 0;
  let busy = 0;
  for (const agent of state.agents.values()) {
    if (!agent.teams.includes(group)) continue;
    if (agent.state === 'AVAILABLE') free++;
    else if (agent.busySince !== null) busy++;
  }
  // Handle times taken as memoryless: a busy agent is free within the time a dial takes to be answered with probability ringing ÷ handle time.
  const aboutToBeFree = Math.floor((busy * campaign.answerRingMs) / averageHandleMs(campaign));
  const sharing = [...state.campaigns].filter(([, c]) => c.status === 'RUNNING' && c.config.agentGroup === group).map(([id]) => id).sort();
  const rank = sharing.indexOf(campaignId);
  if (sharing.length <= 1 || rank < 0) return { free, aboutToBeFree };
  const share = (n: number): number => Math.floor(n / sharing.length) + (rank < n % sharing.length ? 1 : 0);
  return { free: share(free), aboutToBeFree: share(aboutToBeFree) };
}

/** The recent answer rate (the configured one weighs as `priorWeight` results), taken at the upper end of its 95% interval: more answers than expected is what drops calls. */
function answerRate(campaign: CampaignRun): number {
  const answered = campaign.results.reduce((sum, r) => sum + (r ? 1 : 0), 0);
  const n = campaign.results.length + priorWeight;
  const p = (answered + campaign.config.pacing.initialAnswerRate * priorWeight) / n;
  return Math.min(0.99, p + 2 * Math.sqrt((p * (1 - p)) / n));
}

function averageHandleMs(campaign: CampaignRun): number {
  if (campaign.handleTimes.length === 0) return campaign.config.pacing.initialHandleSeconds * 1000;
  return campaign.handleTimes.reduce((a, b) => a + b, 0) / campaign.handleTimes.length;
}

// ───────────────────────────── the abandon cap ─────────────────────────────

/** Drops and connected calls, in the rolling window and over the whole campaign (the regulator's figure for a campaign shorter than 30 days). */
export function abandonCounts(campaign: CampaignRun): { rolling: { drops: number; connects: number }; campaign: { drops: number; connects: number } } {
  return {
    rolling: { drops: campaign.judged.reduce((sum, j) => sum + (j.dropped ? 1 : 0), 0), connects: campaign.judged.length },
    campaign: { drops: campaign.totals.drops, connects: campaign.totals.connects },
  };
}

function adaptPacing(campaign: CampaignRun, now: number): void {
  const { rate, backoffAt } = campaign.config.abandonCap;
  const counts = abandonCounts(campaign);
  // Over-dialling needs room for one more drop under backoffAt × cap in both the rolling window and the campaign; without it (and so while learning) predictive dials 1:1.
  const room = ({ drops, connects }: { drops: number; connects: number }): boolean => drops + 1 <= rate * backoffAt * connects;
  campaign.atCap = !room(counts.rolling) || !room(counts.campaign);
  if (now - campaign.lastAdaptAt < campaign.config.pacing.adaptEverySeconds * 1000) return;
  const trusted = [counts.rolling, counts.campaign].filter((c) => c.connects >= minimumConnectsForRate).map((c) => c.drops / c.connects);
  if (trusted.length > 0) campaign.aggressiveness = adapt(campaign.aggressiveness, Math.max(...trusted), rate, backoffAt, campaign.idleSinceAdapt);
  campaign.lastAdaptAt = now;
  campaign.idleSinceAdapt = false;
}

/** Records whether a connected call got its agent in time; a drop the dialer judged is recorded in the log as DialResult DROPPED (what the abandon rate is computed from). */
function judge(campaign: CampaignRun, call: ConnectedCall, dropped: boolean, at: number, out: Decision[] | null): void {
  campaign.connected.delete(call.interactionId);
  campaign.judged.push({ at, dropped });
  if (!dropped) return;
  campaign.totals.drops++;
  out?.push({
    type: 'DialResult', occurredAt: at, interactionId: null,
    data: { campaignId: campaign.config.campaignId, contactId: call.contactId, attemptId: call.attemptId, result: 'DROPPED', ringMs: null, agentId: null, interactionId: call.interactionId, sipCause: null },
  });
}

function trimJudged(campaign: CampaignRun, now: number): void {
  const from = now - campaign.config.abandonCap.rollingWindowMinutes * 60_000;
  let first = 0;
  while (first < campaign.judged.length && campaign.judged[first].at < from) first++;
  if (first > 0) campaign.judged = campaign.judged.slice(first);
}

/** Answered calls that got no agent within the grace are dropped; the contact is retried after the DROPPED spacing. */
function judgeWaitingCalls(campaign: CampaignRun, now: number, out: Decision[]): void {
  const graceMs = campaign.config.abandonCap.graceSeconds * 1000;
  for (const call of [...campaign.connected.values()]) {
    if (now <= call.connectedAt + graceMs) continue;
    judge(campaign, call, true, now, out);
    retryLater(campaign, campaign.contacts.get(call.contactId) as ContactEntry, 'DROPPED', now);
  }
}

// ───────────────────────────── telephony and agents ─────────────────────────────

function dialResult(state: DialerState, campaign: CampaignRun, data: LedgerEventMap['DialResult'], out: Decision[]): void {
  const now = state.now;
  const attempt = campaign.inFlight.get(data.attemptId) as Attempt;
  campaign.inFlight.delete(data.attemptId);
  const contact = campaign.contacts.get(attempt.contactId) as ContactEntry;
  const answered = data.result === 'ANSWERED' || data.result === 'DROPPED';
  campaign.results.push(answered);
  if (campaign.results.length > campaign.config.pacing.answerRateResults) campaign.results.splice(0, campaign.results.length - campaign.config.pacing.answerRateResults);
  if (!answered) {
    const result: RetryableResult = data.result === 'NO_ANSWER' || data.result === 'BUSY' || data.result === 'VOICEMAIL' ? data.result : 'FAILED';
    return retryLater(campaign, contact, result, now);
  }
  campaign.totals.connects++;
  if (data.ringMs !== null) campaign.answerRingMs = Math.round(campaign.answerRingMs * 0.9 + data.ringMs * 0.1);
  const call: ConnectedCall = { interactionId: data.interactionId ?? attempt.interactionId, contactId: contact.contactId, attemptId: attempt.attemptId, connectedAt: now };
  if (data.result === 'DROPPED') {
    judge(campaign, call, true, now, null); // the telephony's own verdict is in the log already
    return retryLater(campaign, contact, 'DROPPED', now);
  }
  contact.status = 'CONNECTED';
  state.calls.set(call.interactionId, campaign.config.campaignId);
  enterRouting(campaign, contact, call.interactionId, data.agentId !== null, now, out);
  if (data.agentId !== null) {
    judge(campaign, call, false, now, null);
    finish(campaign, contact, 'REACHED');
  } else {
    campaign.connected.set(call.interactionId, call);
  }
}

/** The interaction events routing and the screen pop consume; a call the telephony already connected to an agent does not queue. */
function enterRouting(campaign: CampaignRun, contact: ContactEntry, interactionId: string, agentConnected: boolean, now: number, out: Decision[]): void {
  const config = campaign.config;
  const dataSubject = contact.customerId === null ? null : `customer:${contact.customerId}`;
  out.push({
    type: 'InteractionStarted', occurredAt: now, interactionId, dataSubject,
    data: {
      interactionId, channel: 'VOICE', direction: 'OUTBOUND', callerNumber: null, dialledNumber: null, site: config.site, previousInteractionId: null,
      campaignId: config.campaignId, contactId: contact.contactId, externalCallId: null,
    },
  });
  if (contact.customerId !== null) {
    out.push({
      type: 'CustomerIdentified', occurredAt: now, interactionId, dataSubject,
      data: { customerId: contact.customerId, method: 'OTHER', tier: 'STANDARD', relationshipAgentId: null, customerName: null, preferredLanguage: null },
    });
  }
  if (agentConnected) return;
  out.push({
    type: 'QueueEntered', occurredAt: now, interactionId, dataSubject,
    data: {
      visitId: `${interactionId}/outbound`, queueId: config.queueId, tier: 'STANDARD', priority: config.queuePriority, requiredSkills: config.requiredSkills.map((r) => ({ skill: r.skill, minProficiency: r.minProficiency })),
      position: campaign.connected.size + 1, expectedWaitMs: null, intent: config.purpose.toLowerCase(),
    },
  });
}

function agentConnected(state: DialerState, interactionId: string, out: Decision[]): void {
  const campaign = campaignOfCall(state, interactionId);
  const call = campaign?.connected.get(interactionId);
  if (!campaign || !call) return;
  judge(campaign, call, state.now > call.connectedAt + campaign.config.abandonCap.graceSeconds * 1000, state.now, out);
  finish(campaign, campaign.contacts.get(call.contactId) as ContactEntry, 'REACHED');
}

/** The customer hung up (or the telephony gave up) before an agent came: a drop. */
function callEnded(state: DialerState, interactionId: string, ended: boolean, out: Decision[]): void {
  const campaign = campaignOfCall(state, interactionId);
  if (ended) state.calls.delete(interactionId);
  const call = campaign?.connected.get(interactionId);
  if (!campaign || !call) return;
  judge(campaign, call, true, state.now, out);
  retryLater(campaign, campaign.contacts.get(call.contactId) as ContactEntry, 'DROPPED', state.now);
}

function campaignOfCall(state: DialerState, interactionId: string): CampaignRun | undefined {
  const campaignId = state.calls.get(interactionId);
  return campaignId === undefined ? undefined : state.campaigns.get(campaignId);
}

function agentState(state: DialerState, data: LedgerEventMap['AgentStateChanged']): void {
  const agent = state.agents.get(data.agentId);
  if (!agent) return;
  const onCall = data.state === 'BUSY' || data.state === 'WRAP_UP';
  if (onCall && agent.busySince === null) {
    agent.busySince = state.now;
    agent.campaignId = data.interactionId === null ? null : (state.calls.get(data.interactionId) ?? null);
  }
  if (!onCall && agent.busySince !== null) {
    const campaign = agent.campaignId === null ? undefined : state.campaigns.get(agent.campaignId);
    if (campaign) {
      campaign.handleTimes.push(state.now - agent.busySince);
      if (campaign.handleTimes.length > recentHandleTimes) campaign.handleTimes.shift();
    }
    agent.busySince = null;
    agent.campaignId = null;
  }
  agent.state = data.state;
}

// ───────────────────────────── snapshots ─────────────────────────────

type ContactSnapshot = Omit<ContactEntry, 'heapIndex'>;
type CampaignSnapshot = Omit<CampaignRun, 'contacts' | 'notDue' | 'ready' | 'inFlight' | 'connected'> & {
  contacts: ContactSnapshot[]; inFlight: Attempt[]; connected: ConnectedCall[];
};
export interface DialerSnapshot {
  now: number;
  agents: [string, AgentView][];
  campaigns: [string, CampaignSnapshot][];
  calls: [string, string][];
}

/** The logical state as JSON-able data; the heaps are rebuilt from the contacts (their order is total, so they pop the same). */
export function toSnapshot(state: DialerState): DialerSnapshot {
  return {
    now: state.now,
    agents: [...state.agents].map(([id, agent]) => [id, { ...agent }]),
    calls: [...state.calls],
    campaigns: [...state.campaigns].map(([id, { contacts, notDue: _notDue, ready: _ready, inFlight, connected, ...rest }]) => [id, {
      ...structuredClone(rest),
      contacts: [...contacts.values()].map(({ heapIndex: _heapIndex, ...contact }) => contact),
      inFlight: [...inFlight.values()],
      connected: [...connected.values()],
    }]),
  };
}

export function fromSnapshot(snapshot: DialerSnapshot): DialerState {
  const state: DialerState = { now: snapshot.now, agents: new Map(snapshot.agents.map(([id, agent]) => [id, { ...agent }])), campaigns: new Map(), calls: new Map(snapshot.calls) };
  for (const [id, saved] of snapshot.campaigns) {
    const run = newRun(saved.config);
    Object.assign(run, { ...structuredClone(saved), contacts: run.contacts, notDue: run.notDue, ready: run.ready, inFlight: run.inFlight, connected: run.connected });
    for (const attempt of saved.inFlight) run.inFlight.set(attempt.attemptId, attempt);
    for (const call of saved.connected) run.connected.set(call.interactionId, call);
    for (const savedContact of saved.contacts) {
      const contact: ContactEntry = { ...savedContact, heapIndex: -1 };
      run.contacts.set(contact.contactId, contact);
      if (contact.status !== 'PENDING') continue;
      if (contact.waiting) run.notDue.push(contact);
      else {
        const offset = offsetOf(run, contact);
        let heap = run.ready.get(offset);
        if (!heap) run.ready.set(offset, (heap = new IndexedHeap(byPriority)));
        heap.push(contact);
      }
    }
    state.campaigns.set(id, run);
  }
  return state;
}
