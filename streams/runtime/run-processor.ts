// The thin runner every stream processor (routing, risk, QA, ...) runs on. It subscribes through
// the log port (decode and dead letters as log/runtime/run-consumer.ts does), keeps one decider state per input partition,
// feeds it each accepted event in offset order, encodes the decisions with deterministic event
// ids (UUIDv5 of component + input event id + index) and stages them in the batch context, so
// they commit atomically with the checkpoint (effectively-once read-process-write) — or, for a
// live-path processor (definition.outputDelivery 'at-least-once'), are appended before the
// checkpoint moves. Either way each output carries its source position (source-position.ts) and
// every processor drops inputs whose position it has already seen, so a redelivered batch's
// repeated outputs change nothing downstream: no effect twice.
//
// State: on the first batch of a partition (or when a batch does not follow on from the state:
// a redelivered batch, or records another group member decided meanwhile), the state is restored from the newest snapshot at or before
// that offset and the log between the snapshot and the record is replayed through the decider
// with its outputs dropped (they were committed before). Snapshots are written every
// `snapshotEvery` records per partition. Refused inputs (errors with `retriable: false`) are
// dead-lettered with the reason and counted; the state is unchanged by them. Any other error
// stops the processor: its in-memory state is dropped and rebuilt when it is started again.
import type { AppendRecord, BatchContext, LedgerLog, LogRecord, Subscription } from '../../log/port.ts';
import { deadLetterRecord, defaultDeadLetterTopic } from '../../log/runtime/dead-letter.ts';
import { describeError } from '../../log/runtime/errors.ts';
import type { DecodedEvent, EncodableEvent, EventCodec } from '../../schemas/codec/event-codec.ts';
import type { Decision, Forward, InputEvent, ProcessorDefinition, ProcessorOutput } from './processor.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import { SourceMarks, sourceHeader, sourceHeaderValue } from './source-position.ts';
import { decisionId } from './uuid-v5.ts';

export interface RunProcessorOptions<State, Input> {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly definition: ProcessorDefinition<State, Input>;
  readonly snapshots: SnapshotStore;
  /** Records per partition between snapshots. Default 10,000. */
  readonly snapshotEvery?: number;
  readonly group?: string;
  readonly deadLetterTopic?: string;
  readonly maxBatchSize?: number;
  readonly startFrom?: 'earliest' | 'latest';
  /** Told about each batch of decisions staged (for metrics and latency measurements). */
  readonly onOutputs?: (records: readonly AppendRecord[], input: LogRecord) => void;
  readonly onDeadLetter?: (record: LogRecord, reason: string) => void;
  readonly onSnapshotFailure?: (error: unknown) => void;
  /** Applied to each decoded input before the decider sees it (e.g. revealing personal fields for an authorised reader). */
  readonly reveal?: (event: DecodedEvent) => Promise<DecodedEvent>;
  /** Maps the ledger's topic names, and the processor's group name, to the ones used (e.g. a per-test namespace). Default: as they are. */
  readonly topicName?: (topic: string) => string;
}

export interface ProcessorStats {
  processed: number;
  skipped: number;
  decisions: number;
  /** Inputs refused by the decider, by the error's `kind` (e.g. unknown-agent) or name. */
  rejected: Record<string, number>;
  deadLettered: number;
  /** Inputs dropped as repeats of outputs already seen (an upstream at-least-once redelivery). */
  duplicates: number;
  /** Records replayed to rebuild state after a snapshot. */
  replayed: number;
  restores: number;
  snapshotsWritten: number;
  snapshotFailures: number;
}

export interface RunningProcessor<State> {
  readonly subscription: Subscription;
  readonly stats: ProcessorStats;
  /** The live state of a partition (tests, metrics). */
  state(topic: string, partition: number): State | undefined;
  stop(): Promise<void>;
}

interface PartitionState<State> {
  state: State;
  /** Highest source position seen per upstream writer: decided like the state, snapshotted with it. */
  readonly marks: SourceMarks;
  nextOffset: number;
  sinceSnapshot: number;
  /** The log's assignment epoch of the last batch this state decided (when the adapter gives one). */
  assignmentEpoch?: number;
}

/** Builds the event a decision stands for: envelope with a deterministic id, caused by the input. */
export function decisionEvent(component: string, version: string, input: InputEvent, decision: Decision, index: number): EncodableEvent {
  return {
    type: decision.type,
    metadata: {
      eventId: decisionId(component, input.metadata.eventId, index),
      eventType: decision.type,
      occurredAt: decision.occurredAt,
      recordedAt: decision.occurredAt,
      sourceSystem: 'new',
      interactionId: decision.interactionId,
      correlationId: decision.interactionId !== null && decision.interactionId === input.metadata.interactionId ? input.metadata.correlationId : null,
      causationId: input.metadata.eventId,
      producer: { component: decision.component ?? component, version },
      dataSubject: decision.dataSubject ?? null,
    },
    data: decision.data,
  };
}

export const causationHeader = 'ledger_causation';

/** Encodes the outputs of one input into records for the log, in order. */
export async function outputRecords(
  codec: EventCodec, component: string, version: string, input: InputEvent, record: LogRecord, outputs: readonly ProcessorOutput[],
  topicName: (topic: string) => string = (topic) => topic,
): Promise<AppendRecord[]> {
  const records: AppendRecord[] = [];
  for (let index = 0; index < outputs.length; index++) {
    const output = outputs[index];
    if (isForward(output)) {
      records.push({ topic: topicName(output.forward.topic), key: output.forward.key, value: record.value, headers: { ...record.headers, ...output.forward.headers }, timestamp: record.timestamp });
      continue;
    }
    const event = decisionEvent(component, version, input, output, index);
    records.push({
      topic: topicName(codec.catalogue.get(event.type).topic),
      key: codec.keyOf(event),
      value: await codec.encode(event),
      headers: { [causationHeader]: `${record.topic}/${record.partition}/${record.offset}` },
      timestamp: output.occurredAt,
    });
  }
  return records;
}

/** What the runner snapshots per partition: the decider's state and the source marks beside it. */
interface ProcessorSnapshot {
  readonly format: typeof processorSnapshotFormat;
  readonly state: unknown;
  readonly sourceMarks: [string, number, number][];
}

const processorSnapshotFormat = 2;

/** Snapshots written before source marks existed are not used: the state is rebuilt from the log instead. */
function isProcessorSnapshot(value: unknown): value is ProcessorSnapshot {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === processorSnapshotFormat;
}

function isForward(output: ProcessorOutput): output is Forward {
  return 'forward' in output;
}

function rejectionKind(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const kind = (error as { kind?: unknown }).kind;
    if (typeof kind === 'string') return kind;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return 'error';
}

function isRetriableDecode(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

function isRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === false;
}

export async function runProcessor<State, Input>(options: RunProcessorOptions<State, Input>): Promise<RunningProcessor<State>> {
  const { log, codec, definition, snapshots } = options;
  const topicName = options.topicName ?? ((topic: string) => topic);
  const snapshotEvery = options.snapshotEvery ?? 10_000;
  const partitions = new Map<string, PartitionState<State>>();
  const stats: ProcessorStats = { processed: 0, skipped: 0, decisions: 0, rejected: {}, deadLettered: 0, duplicates: 0, replayed: 0, restores: 0, snapshotsWritten: 0, snapshotFailures: 0 };
  const snapshotWrites = new Set<Promise<void>>();
  const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
  /** The decoded (and revealed) input, or undefined for a type the processor never takes (not decoded). */
  const decodeInput = async (value: Buffer): Promise<DecodedEvent | undefined> => {
    if (definition.inputTypes && !definition.inputTypes.has(await codec.typeOf(value))) return undefined;
    const event = await codec.decode(value);
    return options.reveal ? options.reveal(event) : event;
  };

  const apply = (partition: PartitionState<State>, event: DecodedEvent | undefined, record: LogRecord): readonly ProcessorOutput[] => {
    const input = event && definition.accept(event);
    partition.nextOffset = record.offset + 1;
    if (input === undefined) return [];
    return definition.decide(input, partition.state, { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, timestamp: record.timestamp });
  };

  /** Snapshot at or before `offset`, then the log up to it, outputs dropped. */
  const restore = async (topic: string, partition: number, offset: number): Promise<PartitionState<State>> => {
    stats.restores++;
    const found = await snapshots.latest(definition.name, topic, partition, offset);
    const snapshot = found && isProcessorSnapshot(found.state) ? { nextOffset: found.nextOffset, ...found.state } : undefined;
    const restored: PartitionState<State> = {
      state: snapshot ? definition.fromSnapshot(snapshot.state) : definition.initialState(),
      marks: new SourceMarks(snapshot?.sourceMarks),
      nextOffset: snapshot?.nextOffset ?? 0,
      sinceSnapshot: 0,
    };
    if (restored.nextOffset < offset) {
      for await (const records of log.readRange({ topic, partitions: [partition], from: { offset: restored.nextOffset }, to: { offset } })) {
        for (const record of records) {
          if (restored.marks.seenBefore(record.headers)) {
            restored.nextOffset = record.offset + 1;
            continue;
          }
          let event: DecodedEvent | undefined;
          try {
            event = await decodeInput(record.value);
          } catch {
            restored.nextOffset = record.offset + 1; // it went to the dead-letter topic then
            continue;
          }
          try {
            apply(restored, event, record);
          } catch (error) {
            if (!isRefusal(error)) throw error;
          }
          stats.replayed++;
        }
      }
    }
    restored.nextOffset = offset;
    return restored;
  };

  const group = options.group ?? topicName(definition.name);
  const deadLetterTopic = topicName(options.deadLetterTopic ?? defaultDeadLetterTopic);
  const deadLetter = (context: BatchContext, record: LogRecord, stage: 'decode' | 'handle', error: unknown): void => {
    const reason = describeError(error);
    const dead = deadLetterRecord(deadLetterTopic, group, record, stage, reason);
    // Positioned like any output, so a redelivered batch's repeat is recognisable as one.
    context.append([{ ...dead, headers: { ...dead.headers, [sourceHeader]: sourceHeaderValue(group, record.topic, record.partition, record.offset, 0) } }]);
    stats.deadLettered++;
    options.onDeadLetter?.(record, reason);
  };

  /**
   * The in-memory state of a partition is good for a batch only if this process decided every
   * record before it. Offsets may skip (Kafka transaction markers), so a forward jump alone proves
   * nothing: the group's checkpoint tells whether another member processed records meanwhile.
   */
  const stateFor = async (topic: string, partitionNumber: number, firstOffset: number, assignmentEpoch: number | undefined): Promise<PartitionState<State>> => {
    const key = keyOf(topic, partitionNumber);
    let partition = partitions.get(key);
    if (partition && firstOffset !== partition.nextOffset) {
      if (firstOffset < partition.nextOffset) partition = undefined; // redelivered: state is ahead
      else if (assignmentEpoch !== undefined && partition.assignmentEpoch === assignmentEpoch) {
        partition.nextOffset = firstOffset; // same assignment: nobody else decided records meanwhile
      } else {
        const committed = (await log.groupOffsets(group, topic)).get(partitionNumber) ?? 0;
        if (committed > partition.nextOffset) partition = undefined; // someone else decided records meanwhile
        else partition.nextOffset = firstOffset;
      }
    }
    if (!partition) {
      partition = await restore(topic, partitionNumber, firstOffset);
      partitions.set(key, partition);
    }
    return partition;
  };

  const subscription = await log.subscribe({
    group,
    topics: definition.inputTopics.map(topicName),
    maxBatchSize: options.maxBatchSize,
    // State is kept per partition, so partitions may be decided at once.
    concurrentPartitions: true,
    outputDelivery: definition.outputDelivery ?? 'atomic',
    startFrom: options.startFrom,
    handler: async (batch, context) => {
      if (batch.records.length === 0) return;
      const key = keyOf(batch.topic, batch.partition);
      const partition = await stateFor(batch.topic, batch.partition, batch.records[0].offset, batch.assignmentEpoch);
      partition.assignmentEpoch = batch.assignmentEpoch;
      for (const record of batch.records) {
        if (partition.marks.seenBefore(record.headers)) {
          partition.nextOffset = record.offset + 1;
          stats.duplicates++;
          continue;
        }
        let event: DecodedEvent | undefined;
        try {
          event = await decodeInput(record.value);
        } catch (error) {
          if (isRetriableDecode(error)) throw error; // e.g. the registry is unreachable
          partition.nextOffset = record.offset + 1;
          deadLetter(context, record, 'decode', error);
          continue;
        }
        let outputs: readonly ProcessorOutput[];
        try {
          outputs = apply(partition, event, record);
        } catch (error) {
          if (!isRefusal(error)) {
            partitions.delete(key); // may be half-applied: rebuilt when the batch comes again
            throw error;
          }
          const kind = rejectionKind(error);
          stats.rejected[kind] = (stats.rejected[kind] ?? 0) + 1;
          deadLetter(context, record, 'handle', error);
          continue;
        }
        stats.processed++;
        if (outputs.length === 0 || event === undefined) stats.skipped++;
        else {
          let records: AppendRecord[];
          try {
            records = (await outputRecords(codec, definition.component, definition.version, event, record, outputs, topicName))
              .map((out, index) => ({ ...out, headers: { ...out.headers, [sourceHeader]: sourceHeaderValue(group, record.topic, record.partition, record.offset, index) } }));
          } catch (error) {
            partitions.delete(key);
            // A decision that does not encode is a bug in the decider, not bad input: stop loudly.
            throw new Error(`${definition.name}: a decision on ${record.topic}/${record.partition}/${record.offset} does not encode: ${(error as Error).message}`, { cause: error });
          }
          stats.decisions += records.length;
          context.append(records);
          options.onOutputs?.(records, record);
        }
        partition.sinceSnapshot++;
        if (partition.sinceSnapshot >= snapshotEvery) {
          partition.sinceSnapshot = 0;
          // The store serialises the state before save() first yields; compressing and writing
          // happen off the decision path (a routing state at 10,000 calls is ~5 MB of JSON).
          // A snapshot only shortens the next restart: losing one must not stop the decisions.
          const snapshot: ProcessorSnapshot = { format: processorSnapshotFormat, state: definition.toSnapshot(partition.state), sourceMarks: partition.marks.toJSON() };
          const writing = snapshots.save(definition.name, record.topic, record.partition, partition.nextOffset, snapshot).then(
            () => { stats.snapshotsWritten++; },
            (error: unknown) => {
              stats.snapshotFailures++;
              options.onSnapshotFailure?.(error);
            },
          );
          snapshotWrites.add(writing);
          void writing.finally(() => snapshotWrites.delete(writing));
        }
      }
    },
  });

  return {
    subscription,
    stats,
    state: (topic, partition) => partitions.get(keyOf(topic, partition))?.state,
    stop: async () => {
      await subscription.stop();
      await Promise.all(snapshotWrites);
    },
  };
}
