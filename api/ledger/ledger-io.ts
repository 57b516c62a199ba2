// The API's access to the log: stamping the events it writes (commands, audit, mode changes),
// and reading one key's recent events (an agent's or an interaction's) from the partition the
// key hashes to, decoded. Reading from the log rather than a projection means a command is
// decided on exactly what the routing processor and the engines have written, with no read
// model lagging in between; the look-back window bounds the work (see docs/api.md).
import { randomUUID } from 'node:crypto';
import type { LedgerLog, LogRecord } from '../../log/port.ts';
import { partitionForKey } from '../../log/embedded/murmur2.ts';
import { toAppendRecords } from '../../log/runtime/event-records.ts';
import type { EncodableEvent, EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';
import type { Producer } from '../ingest/prepare-event.ts';

export interface NewEvent<T extends LedgerEventType = LedgerEventType> {
  readonly type: T;
  readonly data: LedgerEventMap[T];
  readonly interactionId?: string | null;
  readonly causationId?: string | null;
  readonly correlationId?: string | null;
  readonly dataSubject?: string | null;
}

export interface LedgerIo {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  /** Stamps metadata (id, times, producer, source 'new') and appends durably; returns the events as written. */
  write(events: readonly NewEvent[]): Promise<EncodableEvent[]>;
  /** Decoded events of one key on a topic, oldest first, from `sinceMs` (event time of the record). */
  readKey(topic: string, key: string, sinceMs: number): Promise<AnyLedgerEvent[]>;
  /** The same with the records (position, bytes) beside the events. */
  readKeyRecords(topic: string, key: string, sinceMs: number): Promise<{ record: LogRecord; event: AnyLedgerEvent }[]>;
  /** Every record of a topic in an event-time range (all partitions), decoded; `keep` filters before decoding is kept. */
  scan(topic: string, from: number, to: number, keep: (event: AnyLedgerEvent) => boolean): Promise<{ record: LogRecord; event: AnyLedgerEvent }[]>;
  decode(record: LogRecord): Promise<AnyLedgerEvent>;
}

export function ledgerIo(options: { log: LedgerLog; codec: EventCodec; now: () => number; producer: Producer; newId?: () => string }): LedgerIo {
  const { log, codec, now, producer } = options;
  const newId = options.newId ?? randomUUID;
  const partitionCounts = new Map<string, number>();
  const partitionsOf = async (topic: string): Promise<number> => {
    let count = partitionCounts.get(topic);
    if (count === undefined) {
      count = (await log.describeTopic(topic)).partitions.length;
      partitionCounts.set(topic, count);
    }
    return count;
  };
  const decode = async (record: LogRecord) => (await codec.decode(record.value)) as unknown as AnyLedgerEvent;
  async function readKeyRecords(topic: string, key: string, sinceMs: number): Promise<{ record: LogRecord; event: AnyLedgerEvent }[]> {
    const partition = partitionForKey(key, await partitionsOf(topic));
    const out: { record: LogRecord; event: AnyLedgerEvent }[] = [];
    for await (const batch of log.readRange({ topic, partitions: [partition], from: { timestamp: sinceMs } })) {
      for (const record of batch) if (record.key === key) out.push({ record, event: await decode(record) });
    }
    return out;
  }
  return {
    log,
    codec,
    decode,
    async write(events) {
      const at = now();
      const stamped: EncodableEvent[] = events.map((e) => ({
        type: e.type,
        metadata: {
          eventId: newId(), eventType: e.type, occurredAt: at, recordedAt: at, sourceSystem: 'new', interactionId: e.interactionId ?? null,
          correlationId: e.correlationId ?? null, causationId: e.causationId ?? null, producer: { ...producer }, dataSubject: e.dataSubject ?? null,
        },
        data: e.data,
      }));
      await log.append(await toAppendRecords(codec, stamped));
      return stamped;
    },
    async readKey(topic, key, sinceMs) {
      return (await readKeyRecords(topic, key, sinceMs)).map((r) => r.event);
    },
    readKeyRecords,
    async scan(topic, from, to, keep) {
      const out: { record: LogRecord; event: AnyLedgerEvent }[] = [];
      for await (const batch of log.readRange({ topic, from: { timestamp: from }, to: { timestamp: to } })) {
        for (const record of batch) {
          const event = await decode(record);
          if (keep(event)) out.push({ record, event });
        }
      }
      return out;
    },
  };
}
