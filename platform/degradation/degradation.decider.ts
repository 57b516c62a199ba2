// When to shed load: the degradation controller's pure decision. Given the system mode as the
// control topic records it (SystemModeChanged, whoever published it) and periodic load samples
// (lag of the core consumer groups, p99 decision latency), it decides the mode changes to
// publish. Limits have hysteresis (degrade above the upper limits, return below the lower ones)
// and a breach or a recovery must be sustained, so one slow batch does not flip the centre.
// No clock, no I/O: the samples carry their time.
import type { SystemModeChangedData } from '../../schemas/generated/events.ts';

export type SystemMode = SystemModeChangedData['mode'];

export interface LoadLimits {
  /** Degrade when any watched group lags by more than this many records… */
  readonly maxLag: number;
  /** …and return when every watched group lags by at most this many. */
  readonly resumeLag: number;
  /** Degrade when the p99 decision latency exceeds this… */
  readonly maxDecisionMs: number;
  /** …and return only when it is at most this. */
  readonly resumeDecisionMs: number;
  /** How long a breach, or a recovery, must last before the mode changes. */
  readonly sustainMs: number;
  readonly shedFeatures: readonly string[];
  /** Scope of the mode (GLOBAL or a site). */
  readonly scope: string;
}

export interface GroupLag {
  readonly group: string;
  readonly lag: number;
}

export interface LoadSample {
  /** When the sample was taken (epoch ms). */
  readonly at: number;
  readonly lag: readonly GroupLag[];
  /** p99 of input appended → decision staged since the previous sample; null when nothing was decided. */
  readonly decisionP99Ms: number | null;
}

export type DegradationInput =
  | { readonly kind: 'mode-recorded'; readonly mode: SystemModeChangedData }
  | { readonly kind: 'sampled'; readonly sample: LoadSample };

export interface DegradationState {
  mode: SystemMode;
  /** The mode was set by the controller (changedBy SYSTEM). It returns only its own DEGRADED to NORMAL, never an operator's. */
  setBySystem: boolean;
  breachSince: number | null;
  reliefSince: number | null;
}

export const systemActor = 'SYSTEM';

export function initialDegradationState(): DegradationState {
  return { mode: 'NORMAL', setBySystem: false, breachSince: null, reliefSince: null };
}

/** What exceeds the upper limits, as text for the event's reason; null when nothing does. */
function breach(sample: LoadSample, limits: LoadLimits): string | null {
  const over = sample.lag.filter((g) => g.lag > limits.maxLag).map((g) => `lag of ${g.group} ${g.lag} records > ${limits.maxLag}`);
  if (sample.decisionP99Ms !== null && sample.decisionP99Ms > limits.maxDecisionMs) over.push(`decision latency p99 ${Math.round(sample.decisionP99Ms)} ms > ${limits.maxDecisionMs} ms`);
  return over.length > 0 ? over.join('; ') : null;
}

function relieved(sample: LoadSample, limits: LoadLimits): boolean {
  return sample.lag.every((g) => g.lag <= limits.resumeLag) && (sample.decisionP99Ms === null || sample.decisionP99Ms <= limits.resumeDecisionMs);
}

function figures(sample: LoadSample): string {
  const lag = sample.lag.map((g) => `${g.group} ${g.lag}`).join(', ');
  const p99 = sample.decisionP99Ms === null ? 'no decisions' : `${Math.round(sample.decisionP99Ms)} ms`;
  return `lag per group: ${lag || 'none'}; decision latency p99: ${p99}`;
}

/** Applies a recorded mode change (the controller's own ones come back this way too). */
export function evolveDegradation(state: DegradationState, mode: SystemModeChangedData): void {
  if (mode.mode !== state.mode) {
    state.breachSince = null;
    state.reliefSince = null;
  }
  state.mode = mode.mode;
  state.setBySystem = mode.changedBy === systemActor;
}

/**
 * Advances `state` by one input and returns the mode changes to publish (zero or one). A
 * published change is applied to `state` at once, so the next sample does not publish it again
 * before it is read back from the log.
 */
export function decideDegradation(input: DegradationInput, state: DegradationState, limits: LoadLimits): SystemModeChangedData[] {
  if (input.kind === 'mode-recorded') {
    evolveDegradation(state, input.mode);
    return [];
  }
  const { sample } = input;
  if (state.mode === 'NORMAL' || state.mode === 'UNKNOWN') {
    const over = breach(sample, limits);
    if (over === null) {
      state.breachSince = null;
      return [];
    }
    state.breachSince ??= sample.at;
    if (sample.at - state.breachSince < limits.sustainMs) return [];
    return [publish(state, {
      scope: limits.scope, mode: 'DEGRADED', previousMode: state.mode, changedBy: systemActor, shedFeatures: [...limits.shedFeatures], activeSite: null,
      reason: `overload for ${Math.round((sample.at - state.breachSince) / 1000)} s: ${over} (${figures(sample)})`,
    })];
  }
  // An operator's DEGRADED or an EMERGENCY (DR takeover) is for an operator to end.
  if (state.mode !== 'DEGRADED' || !state.setBySystem) return [];
  if (!relieved(sample, limits)) {
    state.reliefSince = null;
    return [];
  }
  state.reliefSince ??= sample.at;
  if (sample.at - state.reliefSince < limits.sustainMs) return [];
  return [publish(state, {
    scope: limits.scope, mode: 'NORMAL', previousMode: 'DEGRADED', changedBy: systemActor, shedFeatures: [], activeSite: null,
    reason: `load below the resume limits (lag <= ${limits.resumeLag}, p99 <= ${limits.resumeDecisionMs} ms) for ${Math.round((sample.at - state.reliefSince) / 1000)} s (${figures(sample)})`,
  })];
}

function publish(state: DegradationState, change: SystemModeChangedData): SystemModeChangedData {
  evolveDegradation(state, change);
  return change;
}
