// Follows the system mode of one scope as the control topic records it: the newest
// SystemModeChanged for the scope wins, whoever published it (the degradation controller or an
// operator through the ops API). It polls the topic's end offsets and reads only what is new, so
// it needs no consumer group (nothing to clean up, every process starts from the full history)
// and costs one metadata request per poll while nothing changes.
import type { LedgerLog } from '../../log/port.ts';
import { cloudEventHeaders } from '../../log/runtime/event-records.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { SystemModeChangedData } from '../../schemas/generated/events.ts';

/** Told about a recorded mode change; null: none was ever recorded (NORMAL). */
export type ModeListener = (mode: SystemModeChangedData | null) => Promise<void>;

export interface SystemModeWatchOptions {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  /** GLOBAL (default) or a site. */
  readonly scope?: string;
  readonly pollMs: number;
  /** A poll or a listener failed; the watch goes on with the next poll. */
  readonly onError?: (error: unknown) => void;
}

export interface SystemModeWatch {
  /** The newest recorded mode change of the scope; null while none was ever recorded (NORMAL). */
  current(): SystemModeChangedData | null;
  /**
   * Called at once with the current mode, then with every change recorded after it, one call at
   * a time, in log order. Resolves when that first call has finished.
   */
  follow(listener: ModeListener): Promise<void>;
  /** Reads what is new now instead of at the next poll (tests, and right after publishing). */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

export async function watchSystemMode(options: SystemModeWatchOptions): Promise<SystemModeWatch> {
  const { log, codec } = options;
  const scope = options.scope ?? 'GLOBAL';
  const topic = codec.catalogue.get('SystemModeChanged').topic;
  const next = new Map<number, number>();
  const listeners: ModeListener[] = [];
  let current: SystemModeChangedData | null = null;
  // Polls and listener calls run one after another, so a pause is finished before a resume starts.
  let queue: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>): Promise<void> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  const readNew = async (): Promise<void> => {
    const description = await log.describeTopic(topic);
    for (const { partition, low, high } of description.partitions) {
      const from = Math.max(next.get(partition) ?? low, low);
      if (from >= high) continue;
      for await (const records of log.readRange({ topic, partitions: [partition], from: { offset: from }, to: { offset: high } })) {
        for (const record of records) {
          const type = record.headers[cloudEventHeaders.type];
          if (type !== undefined && type !== 'SystemModeChanged') continue;
          const event = await codec.decode(record.value);
          if (event.type !== 'SystemModeChanged') continue;
          const data = event.data as SystemModeChangedData;
          if (data.scope !== scope) continue;
          current = data;
          for (const listener of listeners) await listener(data);
        }
      }
      next.set(partition, high);
    }
  };

  await serially(readNew);
  const timer = setInterval(() => void serially(readNew).catch((error: unknown) => options.onError?.(error)), options.pollMs);
  timer.unref();

  return {
    current: () => current,
    follow(listener) {
      return serially(async () => {
        listeners.push(listener);
        await listener(current);
      });
    },
    poll: () => serially(readNew),
    async stop() {
      clearInterval(timer);
      await queue;
    },
  };
}
