// The telephony side of an outbound dial, as a seeded model shared by the traffic simulator and
// the outbound benchmark (test/support/outbound-simulation.ts): what becomes of a dial (answered,
// busy, voicemail, failed, or it rings out) and how long it rang, and the talk and wrap-up times
// of a connected campaign call. The draw order is part of the model: the same draws give the same
// results in both.
import type { DialResultData } from '../../schemas/generated/events.ts';
import type { Distribution } from './scenario.ts';

/** Shares of dials by result; what is left rings out (NO_ANSWER). */
export interface TelephonyShares {
  readonly answer: number;
  readonly busy: number;
  readonly voicemail: number;
  readonly failed: number;
}

/** A reminder list's telephony: three in ten answer, one in ten is busy, about one in seven reaches voicemail. */
export const defaultTelephonyShares: TelephonyShares = { answer: 0.3, busy: 0.1, voicemail: 0.15, failed: 0 };

/** Talk time of a campaign call (log-normal, median 120 s, σ 0.6) and the wrap-up after it (median 25 s, σ 0.4), as mean and coefficient of variation. */
export const campaignTalkSeconds: Distribution = logNormalOfMedian(120, 0.6);
export const campaignWrapUpSeconds: Distribution = logNormalOfMedian(25, 0.4);

export interface DialOutcome {
  readonly result: DialResultData['result'];
  readonly ringMs: number;
  readonly sipCause: number | null;
}

/**
 * One dial: answered after 4–18 s of ringing, busy after 2–4 s (SIP 486), voicemail picked up
 * after 20–25 s, failed within 0.5–3 s (SIP 503), else no answer after 30 s.
 */
export function dialOutcome(next: () => number, shares: TelephonyShares): DialOutcome {
  const draw = next();
  const { answer, busy, voicemail, failed } = shares;
  if (draw < answer) return { result: 'ANSWERED', ringMs: Math.round(4000 + next() * 14_000), sipCause: null };
  if (draw < answer + busy) return { result: 'BUSY', ringMs: Math.round(2000 + next() * 2000), sipCause: 486 };
  if (draw < answer + busy + voicemail) return { result: 'VOICEMAIL', ringMs: Math.round(20_000 + next() * 5000), sipCause: null };
  if (draw < answer + busy + voicemail + failed) return { result: 'FAILED', ringMs: Math.round(500 + next() * 2500), sipCause: 503 };
  return { result: 'NO_ANSWER', ringMs: 30_000, sipCause: null };
}

/** A log-normal drawn the way the benchmark always drew it (Box–Muller on two draws), from its mean and coefficient of variation. */
export function drawLogNormal(next: () => number, distribution: Distribution): number {
  const sigma2 = Math.log(1 + distribution.cv * distribution.cv);
  const median = distribution.mean / Math.sqrt(1 + distribution.cv * distribution.cv);
  const u = Math.max(next(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  return median * Math.exp(Math.sqrt(sigma2) * z);
}

/** The mean and coefficient of variation of a log-normal given by its median and σ. */
export function logNormalOfMedian(median: number, sigma: number): Distribution {
  return { mean: median * Math.exp((sigma * sigma) / 2), cv: Math.sqrt(Math.exp(sigma * sigma) - 1) };
}
