// The degradation controller: samples the core consumer groups' lag and the decision latency at
// a fixed interval, feeds the samples and the recorded modes to the pure decider, and appends
// the mode changes it decides to the control topic, where every component (and the ops API)
// reads them.
import { randomUUID } from 'node:crypto';
import type { LedgerLog } from '../../log/port.ts';
import { toAppendRecord } from '../../log/runtime/event-records.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { SystemModeChangedData } from '../../schemas/generated/events.ts';
import { decideDegradation, initialDegradationState, type LoadLimits, type LoadSample } from './degradation.decider.ts';
import type { DecisionLatency } from './decision-latency.ts';
import { readGroupLag } from './group-lag.ts';
import type { SystemModeWatch } from './system-mode-watch.ts';

export const controllerComponent = 'platform/degradation';

export interface DegradationControllerOptions {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly watch: SystemModeWatch;
  readonly limits: LoadLimits;
  /** Core consumer groups whose lag is watched. */
  readonly groups: readonly string[];
  /** Topics whose lag counts; default every topic of the catalogue. */
  readonly topics?: readonly string[];
  readonly latency: DecisionLatency;
  /** 0: no timer; samples are taken by calling `sample` (tests). */
  readonly sampleMs: number;
  readonly now?: () => number;
  readonly onSample?: (sample: LoadSample) => void;
  readonly onChange?: (change: SystemModeChangedData) => void;
  readonly onError?: (error: unknown) => void;
}

export interface DegradationController {
  /** Takes one sample now and publishes what it decides. */
  sample(): Promise<SystemModeChangedData[]>;
  stop(): Promise<void>;
}

export async function startDegradationController(options: DegradationControllerOptions): Promise<DegradationController> {
  const { log, codec, watch, limits } = options;
  const now = options.now ?? Date.now;
  const state = initialDegradationState();
  await watch.follow(async (mode) => {
    if (mode) decideDegradation({ kind: 'mode-recorded', mode }, state, limits);
  });

  const sample = async (): Promise<SystemModeChangedData[]> => {
    const lag = await readGroupLag(log, options.topics ?? codec.catalogue.topics, options.groups);
    const taken: LoadSample = { at: now(), lag, decisionP99Ms: options.latency.takeP99() };
    options.onSample?.(taken);
    const changes = decideDegradation({ kind: 'sampled', sample: taken }, state, limits);
    if (changes.length === 0) return changes;
    const at = now();
    const records = await Promise.all(changes.map((data) => toAppendRecord(codec, {
      type: 'SystemModeChanged',
      metadata: {
        eventId: randomUUID(), eventType: 'SystemModeChanged', occurredAt: at, recordedAt: at, sourceSystem: 'new',
        interactionId: null, correlationId: null, causationId: null, producer: { component: controllerComponent, version: '1' }, dataSubject: null,
      },
      data,
    })));
    await log.append(records);
    for (const change of changes) options.onChange?.(change);
    await watch.poll();
    return changes;
  };

  // The next sample is scheduled when one ends, so slow lag reads never overlap.
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const schedule = (): void => {
    if (stopped || options.sampleMs <= 0) return;
    timer = setTimeout(() => {
      inFlight = sample().catch((error: unknown) => options.onError?.(error)).finally(schedule);
    }, options.sampleMs);
    timer.unref();
  };
  schedule();
  return {
    sample,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
