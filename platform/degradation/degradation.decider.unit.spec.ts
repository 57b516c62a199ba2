import { expect } from 'chai';
import { deciderSpec } from '../../test/support/decider-spec.ts';
import type { SystemModeChangedData } from '../../schemas/generated/events.ts';
import { decideDegradation, initialDegradationState, type DegradationInput, type LoadLimits, type LoadSample } from './degradation.decider.ts';

const limits: LoadLimits = { maxLag: 1000, resumeLag: 100, maxDecisionMs: 200, resumeDecisionMs: 50, sustainMs: 10_000, shedFeatures: ['analytics', 'qa', 'summary'], scope: 'GLOBAL' };
const spec = deciderSpec({ initialState: initialDegradationState, decide: (input: DegradationInput, state: ReturnType<typeof initialDegradationState>) => decideDegradation(input, state, limits) });

const sampled = (at: number, lag: number, decisionP99Ms: number | null = 10): DegradationInput => {
  const sample: LoadSample = { at, lag: [{ group: 'projections', lag }, { group: 'streams.routing', lag: 0 }], decisionP99Ms };
  return { kind: 'sampled', sample };
};
const recorded = (mode: SystemModeChangedData['mode'], changedBy: string): DegradationInput => ({
  kind: 'mode-recorded', mode: { scope: 'GLOBAL', mode, previousMode: null, reason: 'test', changedBy, shedFeatures: [], activeSite: null },
});

describe('degradation decider', () => {
  it('degrades when a core group lags past the limit for the sustain period, naming the group and the figures', () => {
    const [change] = spec.given([sampled(0, 5000), sampled(5_000, 5000)]).when(sampled(10_000, 6000)).then([
      { scope: 'GLOBAL', mode: 'DEGRADED', previousMode: 'NORMAL', changedBy: 'SYSTEM', shedFeatures: ['analytics', 'qa', 'summary'] },
    ]);
    expect(change.reason).to.match(/lag of projections 6000 records > 1000/).and.match(/for 10 s/).and.match(/streams\.routing 0/);
  });

  it('does not degrade on a breach shorter than the sustain period', () => {
    spec.given([sampled(0, 5000)]).when(sampled(9_999, 5000)).then([]);
  });

  it('starts the sustain period again when load dips below the limit in between', () => {
    spec.given([sampled(0, 5000), sampled(5_000, 10), sampled(6_000, 5000)]).when(sampled(12_000, 5000)).then([]);
  });

  it('degrades on decision latency alone', () => {
    const [change] = spec.given([sampled(0, 0, 400)]).when(sampled(10_000, 0, 300)).then([{ mode: 'DEGRADED' }]);
    expect(change.reason).to.match(/decision latency p99 300 ms > 200 ms/);
  });

  it('publishes DEGRADED once: the next sample over the limit publishes nothing', () => {
    spec.given([sampled(0, 5000), sampled(10_000, 5000)]).when(sampled(15_000, 5000)).then([]);
  });

  it('stays DEGRADED between the limits (hysteresis)', () => {
    spec.given([sampled(0, 5000), sampled(10_000, 5000), sampled(20_000, 500)]).when(sampled(40_000, 500)).then([]);
  });

  it('returns to NORMAL when every group and the latency stay below the lower limits for the sustain period', () => {
    const [change] = spec.given([sampled(0, 5000), sampled(10_000, 5000), sampled(20_000, 100, 50)]).when(sampled(30_000, 0, null)).then([
      { mode: 'NORMAL', previousMode: 'DEGRADED', changedBy: 'SYSTEM', shedFeatures: [] },
    ]);
    expect(change.reason).to.match(/lag <= 100, p99 <= 50 ms\) for 10 s/);
  });

  it('does not return while the latency is still above its lower limit', () => {
    spec.given([sampled(0, 5000), sampled(10_000, 5000), sampled(20_000, 0, 80)]).when(sampled(30_000, 0, 80)).then([]);
  });

  it("leaves an operator's DEGRADED to the operator", () => {
    spec.given([recorded('DEGRADED', 'ops-user-1'), sampled(0, 0)]).when(sampled(60_000, 0)).then([]);
  });

  it('leaves an EMERGENCY alone, however loaded', () => {
    spec.given([recorded('EMERGENCY', 'ops-user-1'), sampled(0, 5000)]).when(sampled(60_000, 5000)).then([]);
  });

  it("returns its own DEGRADED to NORMAL after reading it back from the log", () => {
    spec.given([recorded('DEGRADED', 'SYSTEM'), sampled(0, 0)]).when(sampled(10_000, 0)).then([{ mode: 'NORMAL' }]);
  });

  it('degrades again after an operator forced NORMAL during a sustained overload', () => {
    spec.given([recorded('DEGRADED', 'SYSTEM'), recorded('NORMAL', 'ops-user-1'), sampled(0, 5000)]).when(sampled(10_000, 5000)).then([{ mode: 'DEGRADED', previousMode: 'NORMAL' }]);
  });
});
