// Arrivals: a non-homogeneous Poisson process whose rate follows the scenario's intraday curve
// (calls per hour at local times of day, linear between points), sampled by thinning
// (Lewis & Shedler): candidates at the curve's peak rate, each kept with probability λ(t) ÷ λmax.
import type { Random } from './random.ts';
import { minutesOf, type Scenario } from './scenario.ts';

export interface ArrivalCurve {
  /** Calls per hour at a local time of day (minutes after midnight). */
  rateAt(localMinutes: number): number;
  readonly peakPerHour: number;
}

export function arrivalCurve(scenario: Scenario, scale = 1): ArrivalCurve {
  const points = scenario.arrivals.curve.map((p) => ({ minutes: minutesOf(p.at), rate: p.callsPerHour * scenario.arrivals.scale * scale }));
  const rateAt = (minutes: number): number => {
    if (minutes <= points[0].minutes) return points[0].rate;
    for (let i = 1; i < points.length; i++) {
      const right = points[i];
      if (minutes <= right.minutes) {
        const left = points[i - 1];
        return left.rate + ((right.rate - left.rate) * (minutes - left.minutes)) / (right.minutes - left.minutes);
      }
    }
    return points[points.length - 1].rate;
  };
  return { rateAt, peakPerHour: Math.max(...points.map((p) => p.rate)) };
}

/**
 * The next arrival after `from` (epoch ms), or null when the curve is zero all day. `localMinutes`
 * maps an event time to the local time of day.
 */
export function nextArrival(curve: ArrivalCurve, random: Random, from: number, localMinutes: (at: number) => number): number | null {
  if (curve.peakPerHour <= 0) return null;
  const meanGapMs = 3_600_000 / curve.peakPerHour;
  let at = from;
  // A zero rate for most of a day rejects many candidates; two days without one means none will come.
  const giveUpAt = from + 2 * 86_400_000;
  while (at < giveUpAt) {
    at += random.exponential(meanGapMs);
    if (random.next() * curve.peakPerHour < curve.rateAt(localMinutes(at))) return at;
  }
  return null;
}
