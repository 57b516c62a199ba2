// Turns ledger events into log records and back: the bytes from the codec, the key from the
// event type's key path, and CloudEvents' Kafka-binding headers (ce_*), so tools that do not
// speak Avro can still route and filter by id, type, source and time.
import type { EncodableEvent, EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AppendRecord, Headers } from '../port.ts';

export const cloudEventHeaders = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
} as const;

export function headersFor(event: EncodableEvent): Headers {
  const headers: Record<string, string> = {
    [cloudEventHeaders.specversion]: '1.0',
    [cloudEventHeaders.id]: event.metadata.eventId,
    [cloudEventHeaders.type]: event.type,
    [cloudEventHeaders.source]: `${event.metadata.sourceSystem}/${event.metadata.producer.component}`,
    [cloudEventHeaders.time]: new Date(event.metadata.occurredAt).toISOString(),
    [cloudEventHeaders.contentType]: 'application/vnd.apache.avro+binary',
  };
  if (event.metadata.interactionId) headers[cloudEventHeaders.subject] = event.metadata.interactionId;
  return headers;
}

/** Encodes an event into the record that goes to its type's topic; refuses invalid events before they reach the log. */
export async function toAppendRecord(codec: EventCodec, event: EncodableEvent): Promise<AppendRecord> {
  const definition = codec.definitionOf(event);
  return {
    topic: definition.topic,
    key: codec.keyOf(event),
    value: await codec.encode(event),
    headers: headersFor(event),
    timestamp: event.metadata.occurredAt,
  };
}

export async function toAppendRecords(codec: EventCodec, events: readonly EncodableEvent[]): Promise<AppendRecord[]> {
  return Promise.all(events.map((event) => toAppendRecord(codec, event)));
}
