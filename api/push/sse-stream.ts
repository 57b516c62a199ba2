// A server-sent-events stream over the log: catch up from the cursor (Last-Event-ID) with
// readRange, then follow the hub; every record is offered to `select`, which returns the
// messages to push for it. The last message of a record carries the cursor after that record
// as its id, so a reconnect resumes without loss (a record whose messages were cut halfway is
// sent again: clients dedupe on the message's eventId).
import type { Request, Response } from 'express';
import type { LedgerLog } from '../../log/port.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { ApiMetrics } from '../http/metrics.ts';
import { cursorKey, formatCursor, parseCursor, type Cursor } from './log-cursor.ts';
import type { DecodedRecord, PushHub } from './push-hub.ts';

export interface PushMessage {
  /** SSE event name, e.g. offer, transcript, risk-alert. */
  readonly event: string;
  readonly data: unknown;
}

export type Select = (item: DecodedRecord) => Promise<readonly PushMessage[]>;

export interface StreamParts {
  readonly log: LedgerLog;
  readonly hub: PushHub;
  readonly decode: (record: DecodedRecord['record']) => Promise<AnyLedgerEvent>;
  readonly metrics: ApiMetrics;
  readonly heartbeatMs?: number;
  readonly onError: (error: unknown) => void;
}

/** Where a partition's replay starts when the client sends no Last-Event-ID and asks for the recent past. */
async function offsetAt(log: LedgerLog, topic: string, partition: number, timestamp: number, high: number): Promise<number> {
  for await (const batch of log.readRange({ topic, partitions: [partition], from: { timestamp }, batchSize: 1 })) {
    if (batch.length > 0) return batch[0].offset;
  }
  return high;
}

export async function openSseStream(
  req: Request, res: Response, parts: StreamParts, name: string, topics: readonly string[], select: Select, options: { replayFrom?: number } = {},
): Promise<void> {
  const lastEventId = (req.headers['last-event-id'] as string | undefined) ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
  let cursor: Cursor | undefined = parseCursor(lastEventId, topics);
  const resumed = cursor !== undefined;
  if (!cursor) {
    cursor = new Map();
    for (const topic of topics) {
      for (const p of (await parts.log.describeTopic(topic)).partitions) {
        cursor.set(cursorKey(topic, p.partition), options.replayFrom === undefined ? p.high : await offsetAt(parts.log, topic, p.partition, options.replayFrom, p.high));
      }
    }
  } else {
    // Partitions the id does not mention start at their beginning.
    for (const topic of topics) for (const p of (await parts.log.describeTopic(topic)).partitions) if (!cursor.has(cursorKey(topic, p.partition))) cursor.set(cursorKey(topic, p.partition), p.low);
  }
  const position = cursor;
  res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  parts.metrics.pushConnections.inc({ stream: name });
  let closed = false;
  const write = (text: string) => {
    if (!closed) res.write(text);
  };
  const send = (message: PushMessage, id: string | null) => {
    const payload = JSON.stringify(message.data).replace(/\n/g, '\\n');
    write(`${id ? `id: ${id}\n` : ''}event: ${message.event}\ndata: ${payload}\n\n`);
    parts.metrics.pushed.inc({ stream: name });
  };
  write(`retry: 1000\n\n`);
  send({ event: 'hello', data: { stream: name, resumed, position: formatCursor(position, topics) } }, formatCursor(position, topics));

  const deliver = async (item: DecodedRecord) => {
    const key = cursorKey(item.record.topic, item.record.partition);
    if (item.record.offset < (position.get(key) ?? 0)) return;
    let messages: readonly PushMessage[] = [];
    try {
      messages = await select(item);
    } catch (error) {
      parts.onError(error); // one record that cannot be shown (e.g. its audit append failed) must not stall the stream
      send({ event: 'error', data: { eventId: item.event.metadata.eventId, detail: 'this event could not be delivered' } }, null);
    }
    position.set(key, item.record.offset + 1);
    messages.forEach((m, i) => send(m, i === messages.length - 1 ? formatCursor(position, topics) : null));
    if (messages.length > 0) parts.metrics.pushLatency.observe({ stream: name }, Math.max(0, Date.now() - item.event.metadata.recordedAt) / 1000);
  };
  const fill = async (topic: string, partition: number, to?: number) => {
    const from = position.get(cursorKey(topic, partition)) ?? 0;
    if (to !== undefined && from >= to) return;
    for await (const batch of parts.log.readRange({ topic, partitions: [partition], from: { offset: from }, ...(to !== undefined ? { to: { offset: to } } : {}) })) {
      for (const record of batch) {
        if (closed) return;
        try {
          await deliver({ record, event: await parts.decode(record) });
        } catch (error) {
          position.set(cursorKey(topic, partition), record.offset + 1);
          parts.onError(error);
        }
      }
    }
  };

  // Everything runs in one chain, so records are delivered in order per partition.
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((error: unknown) => parts.onError(error));
  };
  const unlisten = parts.hub.listen((topic, partition, records) => {
    if (!topics.includes(topic) || records.length === 0) return;
    enqueue(async () => {
      await fill(topic, partition, records[0].record.offset);
      for (const item of records) if (!closed) await deliver(item);
    });
  });
  enqueue(async () => {
    for (const topic of topics) for (const p of (await parts.log.describeTopic(topic)).partitions) await fill(topic, p.partition);
    send({ event: 'caught-up', data: { position: formatCursor(position, topics) } }, null);
  });
  const heartbeat = setInterval(() => write(`: keep-alive\n\n`), parts.heartbeatMs ?? 15_000);
  req.on('close', () => {
    closed = true;
    clearInterval(heartbeat);
    unlisten();
    parts.metrics.pushConnections.dec({ stream: name });
  });
}
