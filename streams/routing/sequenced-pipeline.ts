// A sequencer and the processor reading its per-site stream, started together (routing, the
// outbound dialer), with the ticker that puts event time into that stream. If the processor fails
// to start, the sequencer is stopped again; `done` settles when either stops.
import type { AppendRecord, LogRecord } from '../../log/port.ts';
import type { ProcessorDefinition } from '../runtime/processor.ts';
import { runProcessor, type RunProcessorOptions, type RunningProcessor } from '../runtime/run-processor.ts';
import { startRoutingTicker, type RoutingTicker } from './routing-ticker.ts';

export interface SequencedPipelineOptions<SequencerState, SequencerInput, State, Input> {
  /** What both processors share: log, codec, snapshots, topic names, batch and snapshot sizes, dead letters. */
  readonly common: Omit<RunProcessorOptions<unknown, unknown>, 'definition' | 'onOutputs'>;
  readonly sequencer: ProcessorDefinition<SequencerState, SequencerInput>;
  readonly processor: ProcessorDefinition<State, Input>;
  readonly onOutputs?: (records: readonly AppendRecord[], input: LogRecord) => void;
  /** The sequenced stream the ticker appends to (before topicName). */
  readonly inputsTopic: string;
  readonly sites: readonly string[];
  /** Appends RoutingClockTicked for every site at this interval (wall clock). Off when absent. */
  readonly ticks?: { readonly intervalMs: number; readonly now: () => number; readonly onError?: (error: unknown) => void };
}

export interface SequencedPipeline<SequencerState, State> {
  readonly sequencer: RunningProcessor<SequencerState>;
  readonly processor: RunningProcessor<State>;
  readonly ticker: RoutingTicker | undefined;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export async function startSequencedPipeline<SequencerState, SequencerInput, State, Input>(
  options: SequencedPipelineOptions<SequencerState, SequencerInput, State, Input>,
): Promise<SequencedPipeline<SequencerState, State>> {
  const { common } = options;
  const sequencer = await runProcessor<SequencerState, SequencerInput>({ ...common, definition: options.sequencer });
  let processor: RunningProcessor<State>;
  try {
    processor = await runProcessor<State, Input>({ ...common, definition: options.processor, onOutputs: options.onOutputs });
  } catch (error) {
    await sequencer.stop().catch(() => undefined);
    throw error;
  }
  const topicName = common.topicName ?? ((topic: string) => topic);
  const ticker = options.ticks
    ? startRoutingTicker({ log: common.log, codec: common.codec, sites: options.sites, intervalMs: options.ticks.intervalMs, now: options.ticks.now, onError: options.ticks.onError, topic: topicName(options.inputsTopic) })
    : undefined;
  return {
    sequencer,
    processor,
    ticker,
    done: Promise.all([sequencer.subscription.done, processor.subscription.done]).then(() => undefined),
    async stop() {
      ticker?.stop();
      await Promise.allSettled([sequencer.stop(), processor.stop()]);
    },
  };
}
