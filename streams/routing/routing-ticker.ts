// Event-time ticks for the routing domains: RoutingClockTicked appended to ledger.routing.inputs,
// keyed by site, every `intervalMs`. This is the boundary where wall-clock time enters routing:
// once a tick is in the log, it is an input like any other, so replays see the same time.
import { randomUUID } from 'node:crypto';
import type { LedgerLog } from '../../log/port.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
const routingInputsTopic = 'ledger.routing.inputs';

export interface RoutingTicker {
  /** Appends one tick per site now (also used by tests and benchmarks to drive time). */
  tick(): Promise<void>;
  stop(): void;
}

export function startRoutingTicker(options: {
  log: LedgerLog;
  codec: EventCodec;
  sites: readonly string[];
  intervalMs?: number;
  /** The wall clock (injected). */
  now: () => number;
  onError?: (error: unknown) => void;
  /** false: no timer, only explicit tick() calls. */
  autoStart?: boolean;
  /** Default ledger.routing.inputs. */
  topic?: string;
}): RoutingTicker {
  let sequence = 0;
  const tick = async (): Promise<void> => {
    const now = options.now();
    sequence++;
    const records = await Promise.all(options.sites.map(async (site) => {
      const event = {
        type: 'RoutingClockTicked',
        metadata: {
          eventId: randomUUID(), eventType: 'RoutingClockTicked', occurredAt: now, recordedAt: now, sourceSystem: 'new',
          interactionId: null, correlationId: null, causationId: null, producer: { component: 'streams/routing-ticker', version: '1' }, dataSubject: null,
        },
        data: { site, now, sequence },
      };
      return { topic: options.topic ?? routingInputsTopic, key: site, value: await options.codec.encode(event), timestamp: now };
    }));
    await options.log.append(records);
  };
  let timer: NodeJS.Timeout | undefined;
  if (options.autoStart !== false) {
    timer = setInterval(() => void tick().catch((error: unknown) => options.onError?.(error)), options.intervalMs ?? 1000);
    timer.unref();
  }
  return { tick, stop: () => clearInterval(timer) };
}
