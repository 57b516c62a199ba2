// The traffic simulator's thin I/O adapter, on either log adapter: it maps wall-clock time to
// simulated event time (real time, compressed by --speed, or as fast as the log accepts), feeds
// the pure decider, appends what it produces through the log port, and follows routing's
// decisions about its agents and the outbound dialer's dials from the log (a consumer group of its
// own, from the end of the log), so the product's decisions feed back into the traffic.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AppendResult, LedgerLog, LogRecord, Subscription } from '../../log/port.ts';
import { toAppendRecords } from '../../log/runtime/event-records.ts';
import { causationHeader } from '../../streams/runtime/run-processor.ts';
import { RepeatFilter } from '../../streams/runtime/source-position.ts';
import type { Scenario } from './scenario.ts';
import { feedbackTypes, trafficDecider, type RoutingFeedback, type TrafficInput } from './traffic.decider.ts';

export type ClockMode = { readonly mode: 'real-time' } | { readonly mode: 'compressed'; readonly speed: number } | { readonly mode: 'as-fast-as-possible'; readonly stepMs: number };

export interface SimulatorRunOptions {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly site: string;
  readonly clock: ClockMode;
  /** The wall clock (injected). */
  readonly now: () => number;
  /** Simulated time to start at; default the wall clock's now. */
  readonly start?: number;
  /** Simulated time to run for; default until stopped. */
  readonly durationMs?: number;
  /** Wall-clock interval between steps (real time and compressed). Default 200 ms. */
  readonly tickMs?: number;
  readonly arrivalScale?: number;
  /** Maps the ledger's topic names (tests give each run topics of its own). Default: as they are. */
  readonly topicName?: (topic: string) => string;
  /** Told of every batch appended, with where each event landed (stress measurement). */
  readonly onAppended?: (events: readonly AnyLedgerEvent[], results: readonly AppendResult[], appendedAt: number, appendMs: number) => void;
  readonly onError?: (error: unknown) => void;
}

export interface SimulatorStats {
  readonly simulatedAt: number;
  readonly eventsAppended: number;
  readonly feedbackReceived: number;
  readonly callsInProgress: number;
  readonly agentsLoggedIn: number;
}

export interface RunningSimulator {
  readonly runTag: string;
  /** Changes the arrival rate from now (stress profiles). */
  rescale(scale: number): void;
  stats(): SimulatorStats;
  /** Stops stepping, logs the simulated agents out, ends their calls, leaves the consumer group. */
  stop(): Promise<void>;
  /** Settles when the run ends (duration reached or stopped); rejects on a failed append. */
  readonly done: Promise<void>;
}

/** Routing's decisions (interactions, agents) and the outbound dialer's (ledger.outbound: DialAttempted, DialResult DROPPED). */
const followedTopics = ['ledger.interactions', 'ledger.agents', 'ledger.outbound'];

export async function startSimulator(options: SimulatorRunOptions): Promise<RunningSimulator> {
  const wallStart = options.now();
  const simStart = options.start ?? wallStart;
  const runTag = `${options.seed}-${simStart.toString(36)}`;
  const topicName = options.topicName ?? ((topic: string) => topic);
  const decider = trafficDecider(options.scenario, { seed: options.seed, start: simStart, site: options.site, runTag, arrivalScale: options.arrivalScale });
  const state = decider.initialState();
  const inbox: TrafficInput[] = [];
  let appended = 0;
  let feedback = 0;
  let stopping = false;

  // Routing's and the dialer's outputs carry the causation header; the simulator's own appends do not, so they are skipped undecoded.
  const repeats = new RepeatFilter();
  const subscription: Subscription = await options.log.subscribe({
    group: `simulator.${runTag}`,
    topics: followedTopics.map(topicName),
    startFrom: 'latest',
    handler: async (batch) => {
      for (const record of batch.records) {
        if (repeats.isRepeat(record)) continue; // a processor's at-least-once repeat: the agents acted on it already
        const event = await feedbackOf(options.codec, record);
        if (event) {
          inbox.push(event);
          feedback++;
        }
      }
    },
  });

  const append = async (events: readonly AnyLedgerEvent[]): Promise<void> => {
    if (events.length === 0) return;
    const records = (await toAppendRecords(options.codec, events)).map((record) => ({ ...record, topic: topicName(record.topic) }));
    const before = options.now();
    const results = await options.log.append(records);
    appended += events.length;
    options.onAppended?.(events, results, options.now(), options.now() - before);
  };
  const simulatedNow = (): number => {
    const elapsed = options.now() - wallStart;
    switch (options.clock.mode) {
      case 'real-time': return simStart + elapsed;
      case 'compressed': return simStart + elapsed * options.clock.speed;
      case 'as-fast-as-possible': return state.now + options.clock.stepMs;
    }
  };
  const end = options.durationMs === undefined ? Number.POSITIVE_INFINITY : simStart + options.durationMs;
  const tickMs = options.clock.mode === 'as-fast-as-possible' ? 0 : (options.tickMs ?? 200);

  const step = async (): Promise<void> => {
    const events: AnyLedgerEvent[] = [];
    for (const input of inbox.splice(0)) events.push(...decider.decide(input, state));
    events.push(...decider.decide({ type: 'Advance', until: Math.min(simulatedNow(), end) }, state));
    await append(events);
  };
  const loop = async (): Promise<void> => {
    try {
      while (!stopping && state.now < end) {
        await step();
        if (tickMs > 0) await new Promise((resolve) => setTimeout(resolve, tickMs));
        else await new Promise((resolve) => setImmediate(resolve));
      }
      await append(decider.decide({ type: 'Stop' }, state));
    } finally {
      await subscription.stop();
    }
  };
  const done = loop();
  done.catch((error: unknown) => options.onError?.(error));

  return {
    runTag,
    rescale: (scale) => inbox.push({ type: 'Rescale', scale }),
    stats: () => ({
      simulatedAt: state.now, eventsAppended: appended, feedbackReceived: feedback, callsInProgress: state.calls.size,
      agentsLoggedIn: [...state.agents.values()].filter((a) => a.activity !== 'OFFLINE').length,
    }),
    async stop() {
      stopping = true;
      await done.catch(() => undefined);
    },
    done,
  };
}

async function feedbackOf(codec: EventCodec, record: LogRecord): Promise<RoutingFeedback | undefined> {
  if (record.headers[causationHeader] === undefined) return undefined;
  const event = await codec.decode(record.value);
  return feedbackTypes.has(event.type) ? (event as unknown as RoutingFeedback) : undefined;
}
