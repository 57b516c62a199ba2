// A compliance timeline: events in log order with their decoded fields, the decisions and the
// policy/rule versions that produced them, and a SHA-256 hash chain over the stored bytes
// (link i = sha256(link i-1 | topic | partition | offset | value)), so an export can be checked
// against the log later: recompute the chain from the same positions and compare the head.
import { createHash } from 'node:crypto';
import type { LogRecord } from '../../log/port.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';

export interface TimelineEntry {
  readonly position: { readonly topic: string; readonly partition: number; readonly offset: number };
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly producer: string;
  readonly sourceSystem: string;
  /** For decision events: the policy or rule set and version that decided. */
  readonly decidedBy: { readonly policy: string; readonly version: number } | null;
  readonly data: unknown;
  readonly link: string;
}

function decidedBy(event: AnyLedgerEvent): TimelineEntry['decidedBy'] {
  const d = event.data as unknown as Record<string, unknown>;
  if (typeof d.policyId === 'string' && typeof d.policyVersion === 'number') return { policy: d.policyId, version: d.policyVersion };
  if (typeof d.ruleId === 'string' && typeof d.ruleVersion === 'number') return { policy: d.ruleId, version: d.ruleVersion };
  if (typeof d.scriptId === 'string' && typeof d.scriptVersion === 'number') return { policy: d.scriptId, version: d.scriptVersion };
  if (typeof d.flowId === 'string' && typeof d.flowVersion === 'number') return { policy: d.flowId, version: d.flowVersion };
  return null;
}

export function linkOf(previous: string, record: Pick<LogRecord, 'topic' | 'partition' | 'offset' | 'value'>): string {
  return createHash('sha256').update(previous).update(`|${record.topic}|${record.partition}|${record.offset}|`).update(record.value).digest('hex');
}

export const chainGenesis = '0'.repeat(64);

export function timeline(items: readonly { record: LogRecord; shown: AnyLedgerEvent }[]): { entries: TimelineEntry[]; chain: { algorithm: string; head: string; length: number } } {
  let link = chainGenesis;
  const entries = items.map(({ record, shown }) => {
    link = linkOf(link, record);
    return {
      position: { topic: record.topic, partition: record.partition, offset: record.offset },
      eventId: shown.metadata.eventId, type: shown.type, occurredAt: new Date(shown.metadata.occurredAt).toISOString(), recordedAt: new Date(shown.metadata.recordedAt).toISOString(),
      producer: `${shown.metadata.producer.component}@${shown.metadata.producer.version}`, sourceSystem: shown.metadata.sourceSystem, decidedBy: decidedBy(shown), data: shown.data, link,
    };
  });
  return { entries, chain: { algorithm: 'sha256(prev|topic|partition|offset|value)', head: link, length: entries.length } };
}
