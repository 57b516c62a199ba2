// Runs the routing pipeline of one process: the sequencer (source topics → ledger.routing.inputs
// keyed by site), the routing processor (→ decisions), both on streams/runtime, and optionally
// the ticker (event-time ticks per site).
import type { AppendRecord, LedgerLog, LogRecord, TopicSpec } from '../../log/port.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { ProcessorDefinition } from '../runtime/processor.ts';
import type { RunningProcessor } from '../runtime/run-processor.ts';
import type { SnapshotStore } from '../runtime/snapshot-store.ts';
import type { RoutingInput } from './routing.decider.ts';
import { routingInputsTopic, routingProcessor, routingSequencer, type RoutingSites, type SequencerState } from './routing.processor.ts';
import type { RoutingTicker } from './routing-ticker.ts';
import { startSequencedPipeline } from './sequenced-pipeline.ts';

export interface RoutingServiceOptions {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly snapshots: SnapshotStore;
  readonly sites: readonly string[];
  readonly topicName?: (topic: string) => string;
  readonly snapshotEvery?: number;
  readonly maxBatchSize?: number;
  /** Wraps the routing definition (tests stall it mid-batch; benchmarks time it). */
  readonly wrapRouting?: (definition: ProcessorDefinition<RoutingSites, RoutingInput>) => ProcessorDefinition<RoutingSites, RoutingInput>;
  readonly onDecisions?: (records: readonly AppendRecord[], input: LogRecord) => void;
  readonly onDeadLetter?: (record: LogRecord, reason: string) => void;
  /** Appends RoutingClockTicked for every site at this interval (production: 1,000 ms, wall clock). Off when absent. */
  readonly ticks?: { readonly intervalMs: number; readonly now: () => number; readonly onError?: (error: unknown) => void };
}

export interface RoutingService {
  readonly sequencer: RunningProcessor<SequencerState>;
  readonly ticker: RoutingTicker | undefined;
  readonly routing: RunningProcessor<RoutingSites>;
  stop(): Promise<void>;
  /** Settles when either processor stops; rejects with the first failure. */
  readonly done: Promise<void>;
}

/** The topics the pipeline reads and writes, for createTopics (one partition per site is enough for the inputs). */
export function routingTopics(topicName: (topic: string) => string, partitions: number): TopicSpec[] {
  return ['ledger.interactions', 'ledger.agents', 'ledger.control', routingInputsTopic, 'ledger.deadletter'].map((topic) => ({ topic: topicName(topic), partitions }));
}

export async function startRoutingService(options: RoutingServiceOptions): Promise<RoutingService> {
  const pipeline = await startSequencedPipeline({
    common: { log: options.log, codec: options.codec, snapshots: options.snapshots, topicName: options.topicName, snapshotEvery: options.snapshotEvery, maxBatchSize: options.maxBatchSize, onDeadLetter: options.onDeadLetter },
    sequencer: routingSequencer(options.sites),
    processor: options.wrapRouting ? options.wrapRouting(routingProcessor) : routingProcessor,
    onOutputs: options.onDecisions,
    inputsTopic: routingInputsTopic,
    sites: options.sites,
    ticks: options.ticks,
  });
  return { sequencer: pipeline.sequencer, routing: pipeline.processor, ticker: pipeline.ticker, done: pipeline.done, stop: pipeline.stop };
}
