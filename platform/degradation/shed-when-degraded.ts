// Runs a non-core consumer only while the system mode does not shed its feature. Shedding is
// stopping: the consumer finishes its batch in flight, checkpoints it and leaves its group; on
// the way back it is started again and resumes from its checkpoints, catching up from the log.
// Nothing is skipped (the log keeps every record) and nothing is applied twice (the checkpoints
// did not move while it was stopped).
import type { SystemModeChangedData } from '../../schemas/generated/events.ts';
import type { SystemModeWatch } from './system-mode-watch.ts';

export interface Consumption {
  stop(): Promise<void>;
}

export interface SheddableOptions {
  /** The feature the consumer serves, as SystemModeChanged.shedFeatures names it (e.g. analytics); several: it pauses when any one is shed. */
  readonly feature: string | readonly string[];
  readonly watch: SystemModeWatch;
  readonly start: () => Promise<Consumption>;
  /** Told after each pause and resume, with the mode that caused it. */
  readonly onShed?: (paused: boolean, mode: SystemModeChangedData | null) => void;
}

export interface SheddableConsumption extends Consumption {
  paused(): boolean;
}

/** A mode other than NORMAL that lists the feature (or one of the features) sheds it. */
export function sheds(mode: SystemModeChangedData | null, feature: string | readonly string[]): boolean {
  if (mode === null || mode.mode === 'NORMAL') return false;
  return typeof feature === 'string' ? mode.shedFeatures.includes(feature) : feature.some((f) => mode.shedFeatures.includes(f));
}

export async function runSheddable(options: SheddableOptions): Promise<SheddableConsumption> {
  let running: Consumption | undefined;
  let stopped = false;
  let first = true;
  // Mode changes and stop run one after another, so a consumer is never started twice.
  let queue: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>): Promise<void> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  const apply = (mode: SystemModeChangedData | null): Promise<void> => serially(async () => {
    if (stopped) return;
    const shed = sheds(mode, options.feature);
    const wasFirst = first;
    first = false;
    if (shed && running) {
      await running.stop();
      running = undefined;
      options.onShed?.(true, mode);
    } else if (!shed && !running) {
      running = await options.start();
      if (!wasFirst) options.onShed?.(false, mode);
    } else if (shed && wasFirst) {
      options.onShed?.(true, mode);
    }
  });

  await options.watch.follow(apply);
  return {
    paused: () => !running,
    stop: () => serially(async () => {
      stopped = true;
      await running?.stop();
      running = undefined;
    }),
  };
}
