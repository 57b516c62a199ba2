// Runs the outbound pipeline of one process: the sequencer (source topics → ledger.outbound.inputs
// keyed by site), the dialer (→ dial decisions and campaign calls entering routing), both on
// streams/runtime, and the ticker (RoutingClockTicked per site on ledger.outbound.inputs).
import type { LedgerLog, LogRecord, TopicSpec } from '../../log/port.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { RunningProcessor } from '../runtime/run-processor.ts';
import type { SnapshotStore } from '../runtime/snapshot-store.ts';
import type { RoutingTicker } from '../routing/routing-ticker.ts';
import { startSequencedPipeline } from '../routing/sequenced-pipeline.ts';
import { dialerProcessor, outboundInputsTopic, outboundSequencer, type DialerSites, type OutboundSequencerState } from './outbound.processor.ts';

export interface OutboundServiceOptions {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly snapshots: SnapshotStore;
  readonly sites: readonly string[];
  readonly topicName?: (topic: string) => string;
  readonly snapshotEvery?: number;
  readonly onDeadLetter?: (record: LogRecord, reason: string) => void;
  /** Appends RoutingClockTicked for every site at this interval (production: the routing tick interval, wall clock). Off when absent. */
  readonly ticks?: { readonly intervalMs: number; readonly now: () => number; readonly onError?: (error: unknown) => void };
}

export interface OutboundService {
  readonly sequencer: RunningProcessor<OutboundSequencerState>;
  readonly dialer: RunningProcessor<DialerSites>;
  readonly ticker: RoutingTicker | undefined;
  stop(): Promise<void>;
  /** Settles when either processor stops; rejects with the first failure. */
  readonly done: Promise<void>;
}

/** The topics the pipeline reads and writes, for createTopics. */
export function outboundTopics(topicName: (topic: string) => string, partitions: number): TopicSpec[] {
  return ['ledger.outbound', 'ledger.agents', 'ledger.interactions', outboundInputsTopic, 'ledger.deadletter'].map((topic) => ({ topic: topicName(topic), partitions }));
}

export async function startOutboundService(options: OutboundServiceOptions): Promise<OutboundService> {
  const pipeline = await startSequencedPipeline({
    common: { log: options.log, codec: options.codec, snapshots: options.snapshots, topicName: options.topicName, snapshotEvery: options.snapshotEvery, onDeadLetter: options.onDeadLetter },
    sequencer: outboundSequencer,
    processor: dialerProcessor,
    inputsTopic: outboundInputsTopic,
    sites: options.sites,
    ticks: options.ticks,
  });
  return { sequencer: pipeline.sequencer, dialer: pipeline.processor, ticker: pipeline.ticker, done: pipeline.done, stop: pipeline.stop };
}
