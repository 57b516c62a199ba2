// Stress profiles: the arrival rate over time as multiples of a configured historical peak.
//   3x    — a short warm-up at the peak, then three times the peak, held;
//   surge — the peak, then a sudden +200% (three times the peak) for a few minutes, then back.
// Durations are configurable; the defaults fit in about five minutes with the drain.
import { parseDuration } from '../../producers/simulator/durations.ts';

export interface Phase {
  readonly name: string;
  readonly scale: number;
  readonly durationMs: number;
}

export interface StressSettings {
  readonly profile: '3x' | 'surge';
  /** Historical peak, calls per hour, that the profile multiplies. */
  readonly peakCallsPerHour: number;
  readonly agents: number;
  readonly phases: readonly Phase[];
  /** Longest wait for the pipeline to catch up after the load stops. */
  readonly drainMs: number;
  readonly seed: number;
}

function valueOf(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

function positive(text: string, field: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${field}: must be a positive number, got '${text}'`);
  return value;
}

export function stressSettings(args: readonly string[]): StressSettings {
  const profile = valueOf(args, 'profile');
  if (profile !== '3x' && profile !== 'surge') throw new Error(`--profile: must be 3x or surge, got '${profile ?? ''}'`);
  const duration = (name: string, fallback: string): number => parseDuration(valueOf(args, name) ?? fallback, `--${name}`);
  const phases: Phase[] = profile === '3x'
    ? [{ name: 'warm-up 1x', scale: 1, durationMs: duration('warmup', '30s') }, { name: '3x peak', scale: 3, durationMs: duration('hold', '150s') }]
    : [
        { name: 'peak 1x', scale: 1, durationMs: duration('base', '60s') },
        { name: 'surge +200%', scale: 3, durationMs: duration('surge', '120s') },
        { name: 'back to 1x', scale: 1, durationMs: duration('after', '60s') },
      ];
  return {
    profile,
    peakCallsPerHour: positive(valueOf(args, 'peak') ?? '36000', '--peak'),
    agents: positive(valueOf(args, 'agents') ?? '3000', '--agents'),
    phases,
    drainMs: duration('drain', '90s'),
    seed: positive(valueOf(args, 'seed') ?? '1', '--seed'),
  };
}
