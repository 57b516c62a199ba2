// One tail of the log per API process: a subscription in its own consumer group starting at
// the end, whose batches are decoded once and handed to every open stream. Streams keep their
// own per-partition cursor and fill any gap (a reconnect with Last-Event-ID, or records that
// arrived before the stream joined) with readRange, so delivery does not depend on the hub
// having seen everything: the log is the source, the hub only wakes streams up fast.
import { randomUUID } from 'node:crypto';
import type { LedgerLog, LogRecord, Subscription } from '../../log/port.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { ApiMetrics } from '../http/metrics.ts';

export interface DecodedRecord {
  readonly record: LogRecord;
  readonly event: AnyLedgerEvent;
}

export type BatchListener = (topic: string, partition: number, records: readonly DecodedRecord[]) => void;

export interface PushHub {
  listen(listener: BatchListener): () => void;
  stop(): Promise<void>;
}

const decisionTypes: Readonly<Record<string, string>> = {
  RoutingDecided: 'routing', InteractionOffered: 'routing', RiskAlertRaised: 'risk', AgentAssistSuggested: 'risk', SummaryGenerated: 'summary',
  TicketFieldsExtracted: 'summary', QaScoreComputed: 'qa', QaFindingRecorded: 'qa',
};

export async function startPushHub(options: {
  log: LedgerLog; topics: readonly string[]; decode: (record: LogRecord) => Promise<AnyLedgerEvent>; metrics: ApiMetrics; onError: (error: unknown) => void; group?: string;
}): Promise<PushHub> {
  const listeners = new Set<BatchListener>();
  const subscription: Subscription = await options.log.subscribe({
    group: options.group ?? `api-push-${randomUUID()}`,
    topics: options.topics,
    startFrom: 'latest',
    handler: async (batch) => {
      const decoded: DecodedRecord[] = [];
      for (const record of batch.records) {
        try {
          const event = await options.decode(record);
          decoded.push({ record, event });
          options.metrics.logEvents.inc({ topic: record.topic, producer: event.metadata.producer.component });
          const processor = decisionTypes[event.type];
          if (processor) options.metrics.decisionLatency.observe({ processor }, Math.max(0, event.metadata.recordedAt - event.metadata.occurredAt) / 1000);
        } catch (error) {
          options.onError(error); // an undecodable record is the dead-letter path's business, not the push's
        }
      }
      for (const listener of listeners) listener(batch.topic, batch.partition, decoded);
    },
  });
  subscription.done.catch(options.onError);
  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => subscription.stop(),
  };
}
