// The dead-letter record: the original key, value bytes and headers, plus headers saying why and
// where it came from, so it can be inspected and re-driven.
import type { AppendRecord, LogRecord } from '../port.ts';

export const defaultDeadLetterTopic = 'ledger.deadletter';

export const deadLetterHeaders = {
  reason: 'ledger_dlq_reason',
  stage: 'ledger_dlq_stage',
  group: 'ledger_dlq_group',
  topic: 'ledger_dlq_topic',
  partition: 'ledger_dlq_partition',
  offset: 'ledger_dlq_offset',
  timestamp: 'ledger_dlq_timestamp',
} as const;

export type FailureStage = 'decode' | 'handle';

export function deadLetterRecord(
  deadLetterTopic: string,
  group: string,
  record: LogRecord,
  stage: FailureStage,
  reason: string,
): AppendRecord {
  return {
    topic: deadLetterTopic,
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [deadLetterHeaders.reason]: reason,
      [deadLetterHeaders.stage]: stage,
      [deadLetterHeaders.group]: group,
      [deadLetterHeaders.topic]: record.topic,
      [deadLetterHeaders.partition]: String(record.partition),
      [deadLetterHeaders.offset]: String(record.offset),
      [deadLetterHeaders.timestamp]: String(record.timestamp),
    },
  };
}
