// Appends imported events to the ledger log: encoded by the codec (which validates them and
// encrypts personal fields under metadata.dataSubject) into the records of their topics, with
// the import time as recordedAt.
import type { EventCodec } from '../../../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../../../schemas/generated/events.ts';
import type { AppendRecord, LedgerLog } from '../../../log/port.ts';
import { toAppendRecord } from '../../../log/runtime/event-records.ts';

export interface EventSink {
  /** Encodes a batch (CPU work that can overlap the previous batch's append). */
  prepare(events: readonly AnyLedgerEvent[]): Promise<AppendRecord[]>;
  /** Resolves once the records are durably in the log. */
  write(records: readonly AppendRecord[]): Promise<void>;
}

export interface LogSinkOptions {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  /** Wall clock for recordedAt. */
  readonly now?: () => number;
  /** Topic renaming (tests run on fresh topic names). */
  readonly topicOf?: (topic: string) => string;
}

export function logSink(options: LogSinkOptions): EventSink {
  const now = options.now ?? Date.now;
  return {
    async prepare(events) {
      const recordedAt = now();
      // One bulk key load per batch instead of a round trip per data subject whose cached key expired.
      const subjects = new Set<string>();
      for (const event of events) if (event.metadata.dataSubject) subjects.add(event.metadata.dataSubject);
      await options.codec.prefetchSubjects([...subjects]);
      const records: AppendRecord[] = [];
      for (const event of events) {
        const record = await toAppendRecord(options.codec, { ...event, metadata: { ...event.metadata, recordedAt } });
        records.push(options.topicOf ? { ...record, topic: options.topicOf(record.topic) } : record);
      }
      return records;
    },
    async write(records) {
      if (records.length > 0) await options.log.append(records);
    },
  };
}
