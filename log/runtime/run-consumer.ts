// The consumer runtime every processor and projection runs on: decode each record, hand it to
// the handler, and send poison records to the dead-letter topic through the batch context, so
// the dead letter commits atomically with the checkpoint. Retriable failures propagate: the
// subscription stops without checkpointing and the batch is delivered again on resume.
import type { AppendRecord, BatchContext, LedgerLog, LogRecord, Subscription } from '../port.ts';
import { deadLetterRecord, defaultDeadLetterTopic } from './dead-letter.ts';
import { describeError, isRetriable } from './errors.ts';

export interface ConsumerOptions<T> {
  readonly log: LedgerLog;
  readonly group: string;
  readonly topics: readonly string[];
  readonly decode: (value: Buffer, record: LogRecord) => Promise<T>;
  /** Processes one decoded record; stage output with `context.append`. */
  readonly handle: (message: T, record: LogRecord, context: BatchContext) => Promise<void>;
  readonly deadLetterTopic?: string;
  readonly startFrom?: 'earliest' | 'latest';
  readonly maxBatchSize?: number;
  /** Told about every record sent to the dead-letter topic (for logs and metrics). */
  readonly onDeadLetter?: (record: LogRecord, reason: string) => void;
}

export function runConsumer<T>(options: ConsumerOptions<T>): Promise<Subscription> {
  const deadLetterTopic = options.deadLetterTopic ?? defaultDeadLetterTopic;

  const deadLetter = (context: BatchContext, record: LogRecord, stage: 'decode' | 'handle', error: unknown): void => {
    const reason = describeError(error);
    context.append([deadLetterRecord(deadLetterTopic, options.group, record, stage, reason)]);
    options.onDeadLetter?.(record, reason);
  };

  return options.log.subscribe({
    group: options.group,
    topics: options.topics,
    startFrom: options.startFrom,
    maxBatchSize: options.maxBatchSize,
    handler: async (batch, context) => {
      for (const record of batch.records) {
        let message: T;
        try {
          message = await options.decode(record.value, record);
        } catch (error) {
          // A registry outage is retriable; bytes that are not a valid event never will be.
          if (isDecodeRetriable(error)) throw error;
          deadLetter(context, record, 'decode', error);
          continue;
        }
        // Output of a record that ends in the dead-letter topic is dropped with it.
        const staged: AppendRecord[] = [];
        try {
          await options.handle(message, record, { append: (records) => void staged.push(...records) });
        } catch (error) {
          if (isRetriable(error)) throw error;
          deadLetter(context, record, 'handle', error);
          continue;
        }
        if (staged.length > 0) context.append(staged);
      }
    },
  });
}

/** Decoders signal transient trouble (e.g. registry unreachable) with `retriable: true`; anything else is bad bytes. */
function isDecodeRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'retriable' in error && error.retriable === true;
}
