// How many numbers a campaign dials at a tick, and how predictive pacing adapts. Pure arithmetic
// over the dialer's state (docs/outbound.md has the formulas and why).
import type { DialModeName } from './campaign-config.ts';

export interface PacingInputs {
  readonly mode: DialModeName;
  /** Agents of the campaign's group in AVAILABLE (this campaign's share when groups are shared). */
  readonly freeAgents: number;
  /** Busy agents expected to be free before a call dialled now would be answered. */
  readonly aboutToBeFree: number;
  /** Dials placed whose result has not come back. */
  readonly linesInFlight: number;
  /** Answered calls still waiting for an agent. */
  readonly waitingConnected: number;
  /** Preview mode: agents reading a contact before its dial. */
  readonly previewing: number;
  /** Recent share of dial results that were answered, on the safe side (0 < p < 1): the upper end of its 95% interval. */
  readonly answerRate: number;
  /** The drop share predictive pacing aims at for the calls it dials: the cap × the adapted aggressiveness. */
  readonly targetDropShare: number;
  readonly maxDialLevel: number;
  /** Predictive dials one line per free agent while the abandon rate has no room for one more drop. */
  readonly oneToOneOnly: boolean;
}

export interface Pace {
  readonly lines: number;
  /** Lines per ready agent after these dials (VICIdial's dial level). */
  readonly dialLevel: number;
}

export function pace(inputs: PacingInputs): Pace {
  const oneToOne = Math.max(0, inputs.freeAgents - inputs.linesInFlight - inputs.waitingConnected - inputs.previewing);
  const ready = inputs.freeAgents + (inputs.mode === 'PREDICTIVE' ? inputs.aboutToBeFree : 0);
  let lines = oneToOne;
  if (inputs.mode === 'PREDICTIVE' && !inputs.oneToOneOnly) {
    const agents = Math.max(0, ready - inputs.waitingConnected);
    const ringing = mostLinesUnder(inputs.targetDropShare, inputs.answerRate, agents, Math.floor(inputs.maxDialLevel * ready));
    lines = Math.max(oneToOne, ringing - inputs.linesInFlight);
  }
  return { lines, dialLevel: ready > 0 ? (inputs.linesInFlight + lines) / ready : 0 };
}

/**
 * Expected share of the calls answered on `lines` ringing lines that find no agent, when each
 * line is answered with probability p and `agents` agents take them: E[(X − agents)⁺] ÷ E[X],
 * X ~ Binomial(lines, p).
 */
export function expectedDropShare(lines: number, p: number, agents: number): number {
  if (lines <= agents) return 0;
  let probability = (1 - p) ** lines;
  let overflow = 0;
  for (let k = 0; k <= lines; k++) {
    if (k > agents) overflow += (k - agents) * probability;
    probability = (probability * (lines - k) * p) / ((k + 1) * (1 - p));
  }
  return overflow / (lines * p);
}

/** The most lines (≤ max) whose expected drop share stays within `target` (the share grows with the lines: binary search). */
export function mostLinesUnder(target: number, p: number, agents: number, max: number): number {
  let low = Math.min(agents, max);
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (expectedDropShare(mid, p, agents) <= target) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Share of the cap predictive pacing aims at: never the whole cap, the rest absorbs what the binomial model does not see (answer rates drift, agents change state). */
export const aggressivenessBounds = { initial: 0.3, min: 0.05, max: 0.6, step: 0.05 } as const;

/** Connected calls a rate needs before the adaptation trusts it. */
export const minimumConnectsForRate = 50;

/**
 * VICIdial-style adaptation, once per adapt period: halve the aggressiveness when the abandon
 * rate reaches `backoffAt` × cap, raise it one step when the rate is under half of that and
 * agents were left idle by the pacing, else keep it.
 */
export function adapt(aggressiveness: number, abandonRate: number, cap: number, backoffAt: number, agentsIdle: boolean): number {
  if (abandonRate >= cap * backoffAt) return Math.max(aggressivenessBounds.min, aggressiveness / 2);
  if (abandonRate < (cap * backoffAt) / 2 && agentsIdle) return Math.min(aggressivenessBounds.max, aggressiveness + aggressivenessBounds.step);
  return aggressiveness;
}
