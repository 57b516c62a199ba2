// Conversions between the port's records and kafkajs messages. Header values travel as bytes;
// the port hands them back as UTF-8 strings (a repeated header keeps its last value).
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { AppendRecord, Headers, LogRecord } from '../port.ts';

export function toKafkaMessage(record: AppendRecord, partition: number): Message {
  return {
    key: record.key,
    value: record.value,
    partition,
    headers: record.headers ? { ...record.headers } : undefined,
    timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
  };
}

export function headersToStrings(headers: IHeaders | undefined): Headers {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    out[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return out;
}

export function toLogRecord(topic: string, partition: number, message: KafkaMessage): LogRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value ?? Buffer.alloc(0),
    headers: headersToStrings(message.headers),
    timestamp: Number(message.timestamp),
  };
}
