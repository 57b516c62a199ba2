// What the recording says about each queue visit of a site's routing stream, independent of the
// policy that routed it: when the caller entered the queue, how long they were willing to wait,
// and how long an agent was busy with the call once answered (ring, talk, after-call work). The
// what-if simulation keeps these facts and re-decides everything else.
// Patience is observed for callers who abandoned or left; for callers who were answered it is
// censored (longer than the wait they had). Their patience is the median of what remains of the
// tier's patience curve beyond their wait — the Kaplan–Meier survival curve of the tier's waits,
// abandons as events and answers as censored — or unlimited when the curve never falls that far.
// Pure: a fold over the recorded inputs in stream order.
import type { RoutingInput } from '../../streams/routing/routing.decider.ts';

export type RecordedOutcome = 'answered' | 'abandoned' | 'left' | 'superseded' | 'open';

export interface VisitFacts {
  readonly key: string;
  readonly interactionId: string;
  readonly visitId: string;
  readonly queueId: string;
  readonly enteredAt: number;
  /**
   * answered: an agent took it; abandoned: the caller hung up waiting; left: the interaction ended
   * while waiting (exit, callback); superseded: a later queue entry of the same interaction
   * replaced it; open: nothing happened to it before the recording ends.
   */
  readonly outcome: RecordedOutcome;
  /** Queue entry to the outcome (patience for abandoned and left; a lower bound of it for answered). */
  readonly waitedMs: number | null;
  readonly tier: string;
  /**
   * How long the caller waits before giving up: the recorded wait for abandoned and left; for
   * answered, the tier's conditional median beyond their wait (null: they wait as long as needed).
   */
  readonly patienceMs: number | null;
  readonly ringMs: number;
  /** Answer to the end of the call (or of this leg, when a later visit follows). */
  readonly talkMs: number;
  /** Answer until the agent was free again (talk plus after-call work); at least talkMs. */
  readonly handleMs: number;
  /** False when ring, talk and handle times are the queue's means (the visit was not answered, or its end is not recorded). */
  readonly timesRecorded: boolean;
  /** The interaction's last queue visit in the recording (its end ends the interaction). */
  readonly lastVisit: boolean;
}

export interface RecordedFacts {
  /** By visitKey(interactionId, visitId). */
  readonly visits: ReadonlyMap<string, VisitFacts>;
  /** Interactions that entered a queue: their agent BUSY / WRAP_UP states were caused by routing. */
  readonly routedInteractions: ReadonlySet<string>;
  /** First queue entry per interaction (event time, epoch ms). */
  readonly firstQueueEntry: ReadonlyMap<string, number>;
}

export const visitKey = (interactionId: string, visitId: string): string => `${interactionId}\u0000${visitId}`;

interface Open {
  readonly key: string;
  readonly interactionId: string;
  readonly visitId: string;
  readonly queueId: string;
  readonly enteredAt: number;
  readonly tier: string;
  outcome: RecordedOutcome;
  waitedMs: number | null;
  answeredAt: number | null;
  ringMs: number | null;
  talkEnd: number | null;
  handleEnd: number | null;
  lastVisit: boolean;
}

const busy = (state: string): boolean => state === 'BUSY' || state === 'WRAP_UP';

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.round(values.reduce((sum, v) => sum + v, 0) / values.length);
}

export function recordedFacts(inputs: readonly RoutingInput[]): RecordedFacts {
  const all: Open[] = [];
  const current = new Map<string, Open>();
  const handling = new Map<string, Open>();
  const routed = new Set<string>();
  const firstQueueEntry = new Map<string, number>();
  for (const input of inputs) {
    const at = input.metadata.occurredAt;
    const interactionId = input.metadata.interactionId ?? '';
    const visit = current.get(interactionId);
    switch (input.type) {
      case 'QueueEntered': {
        if (visit) {
          visit.lastVisit = false;
          if (visit.outcome === 'open') {
            visit.outcome = 'superseded';
            visit.waitedMs = at - visit.enteredAt;
          } else if (visit.outcome === 'answered' && visit.talkEnd === null) visit.talkEnd = at;
        }
        const opened: Open = {
          key: visitKey(interactionId, input.data.visitId), interactionId, visitId: input.data.visitId, queueId: input.data.queueId, enteredAt: at, tier: input.data.tier,
          outcome: 'open', waitedMs: null, answeredAt: null, ringMs: null, talkEnd: null, handleEnd: null, lastVisit: true,
        };
        all.push(opened);
        current.set(interactionId, opened);
        routed.add(interactionId);
        if (!firstQueueEntry.has(interactionId)) firstQueueEntry.set(interactionId, at);
        break;
      }
      case 'InteractionAnswered':
        if (visit?.outcome === 'open') {
          visit.outcome = 'answered';
          visit.answeredAt = at;
          visit.waitedMs = at - visit.enteredAt;
          visit.ringMs = input.data.ringMs ?? 0;
          handling.set(input.data.agentId, visit);
        }
        break;
      case 'InteractionAbandoned':
        if (visit?.outcome === 'open' && input.data.stage !== 'IVR') {
          visit.outcome = 'abandoned';
          visit.waitedMs = at - visit.enteredAt;
        }
        break;
      case 'InteractionEnded':
        if (visit?.outcome === 'open') {
          visit.outcome = 'left';
          visit.waitedMs = at - visit.enteredAt;
        } else if (visit?.outcome === 'answered' && visit.talkEnd === null) visit.talkEnd = at;
        break;
      case 'AgentStateChanged':
      case 'AgentLoggedOut': {
        if (input.type === 'AgentStateChanged' && busy(input.data.state)) break;
        const handled = handling.get(input.data.agentId);
        if (handled) {
          handled.handleEnd = at;
          handling.delete(input.data.agentId);
        }
        break;
      }
      default:
        break;
    }
  }
  return { visits: finish(all), routedInteractions: routed, firstQueueEntry };
}

/** Answered visits with a recorded end keep their own times; the others get their queue's means (or the site's). */
function finish(all: readonly Open[]): Map<string, VisitFacts> {
  const measured = all.filter((v) => v.answeredAt !== null && (v.talkEnd !== null || v.handleEnd !== null));
  const timesOf = (v: Open) => {
    const answeredAt = v.answeredAt ?? 0;
    const talkMs = Math.max(0, (v.talkEnd ?? v.handleEnd ?? answeredAt) - answeredAt);
    return { ringMs: v.ringMs ?? 0, talkMs, handleMs: Math.max(talkMs, (v.handleEnd ?? v.talkEnd ?? answeredAt) - answeredAt) };
  };
  const means = (visits: readonly Open[]) => {
    const times = visits.map(timesOf);
    const ringMs = mean(times.map((t) => t.ringMs));
    const talkMs = mean(times.map((t) => t.talkMs));
    const handleMs = mean(times.map((t) => t.handleMs));
    return ringMs === null || talkMs === null || handleMs === null ? null : { ringMs, talkMs, handleMs };
  };
  const site = means(measured) ?? { ringMs: 0, talkMs: 0, handleMs: 0 };
  const perQueue = new Map<string, { ringMs: number; talkMs: number; handleMs: number }>();
  for (const queueId of new Set(measured.map((v) => v.queueId))) perQueue.set(queueId, means(measured.filter((v) => v.queueId === queueId)) ?? site);
  const patience = censoredPatience(all);
  const out = new Map<string, VisitFacts>();
  for (const v of all) {
    const recorded = v.answeredAt !== null && (v.talkEnd !== null || v.handleEnd !== null);
    const times = recorded ? timesOf(v) : (perQueue.get(v.queueId) ?? site);
    out.set(v.key, {
      key: v.key, interactionId: v.interactionId, visitId: v.visitId, queueId: v.queueId, enteredAt: v.enteredAt, outcome: v.outcome, waitedMs: v.waitedMs, tier: v.tier,
      patienceMs: v.outcome === 'abandoned' || v.outcome === 'left' ? v.waitedMs : v.outcome === 'answered' ? (patience.get(v.key) ?? null) : null,
      ringMs: times.ringMs, talkMs: times.talkMs, handleMs: times.handleMs, timesRecorded: recorded, lastVisit: v.lastVisit,
    });
  }
  return out;
}

/** Survival steps of one tier's patience: after each event time, the share still waiting. */
function survivalCurve(visits: readonly Open[]): { readonly at: number; readonly survival: number }[] {
  const observed = visits
    .filter((v) => v.waitedMs !== null && (v.outcome === 'abandoned' || v.outcome === 'left' || v.outcome === 'answered'))
    .map((v) => ({ wait: v.waitedMs ?? 0, gaveUp: v.outcome !== 'answered' }))
    // Events before censorings at the same wait (the usual Kaplan–Meier convention).
    .sort((a, b) => a.wait - b.wait || Number(b.gaveUp) - Number(a.gaveUp));
  const steps: { at: number; survival: number }[] = [];
  let atRisk = observed.length;
  let survival = 1;
  for (let i = 0; i < observed.length;) {
    const wait = observed[i].wait;
    let gaveUp = 0;
    let leaving = 0;
    for (; i < observed.length && observed[i].wait === wait; i++, leaving++) if (observed[i].gaveUp) gaveUp++;
    if (gaveUp > 0) {
      survival *= 1 - gaveUp / atRisk;
      steps.push({ at: wait, survival });
    }
    atRisk -= leaving;
  }
  return steps;
}

/** For each answered visit: the first wait beyond its own at which the tier's survival has halved since then. */
function censoredPatience(all: readonly Open[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const tier of new Set(all.map((v) => v.tier))) {
    const visits = all.filter((v) => v.tier === tier);
    const curve = survivalCurve(visits);
    const survivalAt = (wait: number): number => {
      let s = 1;
      for (const step of curve) {
        if (step.at > wait) break;
        s = step.survival;
      }
      return s;
    };
    for (const v of visits) {
      if (v.outcome !== 'answered' || v.waitedMs === null) continue;
      const wait = v.waitedMs;
      const half = survivalAt(wait) / 2;
      const step = curve.find((c) => c.at > wait && c.survival <= half);
      if (step) out.set(v.key, step.at);
    }
  }
  return out;
}
