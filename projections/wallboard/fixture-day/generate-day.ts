// A seeded fixture day for the wallboard: a few hundred calls on 2026-11-26 in Shanghai (and a
// few that wait across the following midnight) with known waits, outcomes and handle times, and
// agents with known state timelines; each call also walks the IVR (nodes, input failures,
// zero-outs, intents) so the IVR funnel and intents read models have rows in every build. It
// returns the events AND the plain facts they encode, so the expected KPIs (expected-kpis.ts) are
// computed from the facts, never by the projection.
import type { AnyLedgerEvent, CustomerTier } from '../../../schemas/generated/events.ts';
import { AgentScript, CallScript } from '../../testing/builders.ts';
import { seededRandom } from '../../../test/support/seeded-random.ts';

export interface VisitFact {
  readonly queue: string;
  readonly tier: CustomerTier;
  readonly source: string;
  readonly enteredAt: number;
  readonly outcome: 'ANSWERED' | 'ABANDONED' | 'CALLBACK';
  readonly waitMs: number;
  readonly transferredIn: boolean;
  /** Answered visits: the leg that follows. */
  readonly talkMs: number;
  readonly holdMs: number;
  readonly wrapMs: number;
  readonly endedByTransfer: boolean;
}

export interface IvrFact {
  readonly at: number;
  readonly tier: CustomerTier;
  readonly source: string;
}

export interface AgentSegment {
  readonly agentId: string;
  readonly state: string;
  readonly from: number;
  readonly to: number;
}

export interface FixtureDay {
  readonly events: AnyLedgerEvent[];
  readonly visits: VisitFact[];
  readonly ivrContained: IvrFact[];
  readonly ivrAbandoned: IvrFact[];
  readonly agentSegments: AgentSegment[];
  /** Local midnight starting the day, epoch ms. */
  readonly dayStart: number;
}


const QUEUES = ['cards', 'loans', 'fraud'];
const TIERS: CustomerTier[] = ['VIP', 'PRIORITY', 'STANDARD', 'STANDARD'];
const SOURCES = ['new', 'legacy:avaya'];
const IVR_MENUS = [{ node: 'cards', intent: 'card_loss' }, { node: 'loans', intent: 'loan_repayment' }, { node: 'accounts', intent: 'address_change' }];

export function generateDay(options: { seed?: number; calls?: number; agents?: number; idPrefix?: string; dayOffset?: number } = {}): FixtureDay {
  const random = seededRandom(options.seed ?? 20261126);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const dayStart = Date.UTC(2026, 10, 25, 16, 0, 0) + (options.dayOffset ?? 0) * 86_400_000; // 2026-11-26 00:00 in Shanghai (UTC+8), or days later
  const prefix = options.idPrefix ?? 'fx';
  const events: AnyLedgerEvent[] = [];
  const visits: VisitFact[] = [];
  const ivrContained: IvrFact[] = [];
  const ivrAbandoned: IvrFact[] = [];
  const calls = options.calls ?? 400;
  const second = 1000;

  for (let n = 0; n < calls; n += 1) {
    // Most calls in business hours, the last ones in the minutes before midnight.
    const start = n >= calls - 8 ? dayStart + 86_400_000 - int(20, 120) * second : dayStart + int(8 * 3600, 21 * 3600) * second + int(0, 999);
    const source = pick(SOURCES);
    const tier = pick(TIERS);
    const call = new CallScript(`${prefix}-${n}`, source).started(start).identified(start + 2 * second, tier).ivrNode(start + 3 * second, 'root', { label: 'main menu' });
    // IVR walks are derived from the call number, not drawn, so the wallboard facts stay as they were.
    if (n % 5 === 0) call.ivrInput(start + 4 * second, 'root', 'NO_INPUT');
    const roll = random();
    if (roll < 0.08) {
      const at = start + int(20, 200) * second;
      call.ivrNode(start + 10 * second, 'balance', { depth: 1, previousNodeId: 'root' }).ivrExited(at, 'SELF_SERVICE_DONE', at - start, { intent: 'balance_inquiry' }).ended(at + second);
      ivrContained.push({ at, tier, source });
      events.push(...call.events);
      continue;
    }
    if (roll < 0.1) {
      const at = start + int(10, 60) * second;
      call.ivrNode(start + 6 * second, 'accounts', { depth: 1, previousNodeId: 'root' }).abandoned(at, 'IVR').ended(start + 61 * second);
      ivrAbandoned.push({ at, tier, source });
      events.push(...call.events);
      continue;
    }
    let at = start + int(10, 90) * second;
    const menu = IVR_MENUS[n % IVR_MENUS.length];
    call.ivrNode(start + 5 * second, menu.node, { depth: 1, previousNodeId: 'root' }).ivrExited(at, n % 7 === 0 ? 'ZERO_OUT' : 'TO_AGENT', at - start, { intent: n % 7 === 0 ? undefined : menu.intent });
    let queue = pick(QUEUES);
    let transferredIn = false;
    let transfers = roll > 0.93 ? 2 : roll > 0.85 ? 1 : 0;
    for (;;) {
      const enteredAt = at + int(0, 2) * second;
      call.queued(enteredAt, queue, tier);
      const outcome = random();
      const waitMs = int(0, 240) * second + int(0, 999);
      const base = { queue, tier, source, enteredAt, waitMs, transferredIn };
      if (outcome < 0.15) {
        const ringing = random() < 0.3;
        if (ringing) call.offered(enteredAt + Math.max(0, waitMs - 3000), `ag-${int(1, 20)}`);
        call.abandoned(enteredAt + waitMs, ringing ? 'RINGING' : 'QUEUE', waitMs).ended(enteredAt + waitMs);
        visits.push({ ...base, outcome: 'ABANDONED', talkMs: 0, holdMs: 0, wrapMs: 0, endedByTransfer: false });
        break;
      }
      if (outcome < 0.2) {
        call.callback(enteredAt + waitMs).ended(enteredAt + waitMs + second);
        visits.push({ ...base, outcome: 'CALLBACK', talkMs: 0, holdMs: 0, wrapMs: 0, endedByTransfer: false });
        break;
      }
      const agent = `ag-${int(1, 20)}`;
      if (random() < 0.1) call.offered(enteredAt + 1000, `ag-${int(21, 25)}`).ringNoAnswer(enteredAt + 1000 + Math.min(waitMs, 15_000));
      call.offered(enteredAt + Math.max(0, waitMs - 2000), agent).answered(enteredAt + waitMs, agent);
      let t = enteredAt + waitMs;
      let holdMs = 0;
      const speak = int(30, 600) * second;
      if (random() < 0.3) {
        const hold = int(10, 120) * second;
        call.held(t + speak / 2).resumed(t + speak / 2 + hold, hold);
        holdMs = hold;
      }
      t += speak + holdMs;
      const wrapMs = int(5, 180) * second;
      const endedByTransfer = transfers > 0;
      if (endedByTransfer) {
        queue = QUEUES[(QUEUES.indexOf(queue) + 1) % QUEUES.length];
        call.transferred(t, { queueId: queue }).wrapUp(t + wrapMs, agent, wrapMs);
      } else {
        call.ended(t).wrapUp(t + wrapMs, agent, wrapMs);
      }
      visits.push({ ...base, outcome: 'ANSWERED', talkMs: speak, holdMs, wrapMs, endedByTransfer });
      if (!endedByTransfer) break;
      transfers -= 1;
      transferredIn = true;
      at = t + second;
    }
    events.push(...call.events);
  }

  // Agents: a shift of states with known boundaries (available, busy, wrap-up, breaks).
  const agentSegments: AgentSegment[] = [];
  const states = ['AVAILABLE', 'BUSY', 'WRAP_UP', 'AVAILABLE', 'BUSY', 'BREAK', 'TRAINING'] as const;
  for (let a = 1; a <= (options.agents ?? 12); a += 1) {
    const agentId = `${prefix}-agent-${a}`;
    const script = new AgentScript(agentId).loggedIn(dayStart + int(7 * 3600, 9 * 3600) * second, [{ skill: 'credit-card', proficiency: int(1, 10) }]);
    let t = script.events[0].metadata.occurredAt + int(10, 60) * second;
    const shiftEnd = a % 4 === 0 ? dayStart + 86_400_000 + 1800 * second : t + int(6 * 3600, 9 * 3600) * second; // some work across midnight
    while (t < shiftEnd) {
      const state = pick(states);
      const until = Math.min(shiftEnd, t + int(20, 1800) * second + int(0, 999));
      script.state(t, state);
      agentSegments.push({ agentId, state, from: t, to: until });
      t = until;
    }
    script.loggedOut(t);
    events.push(...script.events);
  }
  return { events, visits, ivrContained, ivrAbandoned, agentSegments, dayStart };
}
