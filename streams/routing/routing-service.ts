// Runs the routing pipeline of one process: the sequencer (source topics → ledger.routing.inputs
// keyed by site) and the routing processor (→ decisions), both on streams/runtime.
import type { AppendRecord, LedgerLog, LogRecord, TopicSpec } from '../../log/port.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { ProcessorDefinition } from '../runtime/processor.ts';
import { runProcessor, type RunningProcessor } from '../runtime/run-processor.ts';
import type { SnapshotStore } from '../runtime/snapshot-store.ts';
import type { RoutingInput } from './routing.decider.ts';
import { routingInputsTopic, routingProcessor, routingSequencer, type RoutingSites, type SequencerState } from './routing.processor.ts';

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
}

export interface RoutingService {
  readonly sequencer: RunningProcessor<SequencerState>;
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
  const common = { log: options.log, codec: options.codec, snapshots: options.snapshots, topicName: options.topicName, snapshotEvery: options.snapshotEvery, maxBatchSize: options.maxBatchSize, onDeadLetter: options.onDeadLetter };
  const sequencer = await runProcessor({ ...common, definition: routingSequencer(options.sites) });
  const definition = options.wrapRouting ? options.wrapRouting(routingProcessor) : routingProcessor;
  let routing: RunningProcessor<RoutingSites>;
  try {
    routing = await runProcessor({ ...common, definition, onOutputs: options.onDecisions });
  } catch (error) {
    await sequencer.stop().catch(() => undefined);
    throw error;
  }
  return {
    sequencer,
    routing,
    done: Promise.all([sequencer.subscription.done, routing.subscription.done]).then(() => undefined),
    async stop() {
      await Promise.allSettled([sequencer.stop(), routing.stop()]);
    },
  };
}
