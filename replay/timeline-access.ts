// A timeline read from the command line is a read of customer data like any other: before the
// timeline is printed or written, a DataAccessed naming the operator, their role, the interaction
// and customer, the personal fields revealed and the declared purpose is appended to the audit
// topic. If it cannot be appended, the command fails and shows nothing (as the API does: 503).
import { randomUUID } from 'node:crypto';
import type { LedgerLog } from '../log/port.ts';
import type { EventCodec } from '../schemas/codec/event-codec.ts';
import type { LedgerEvent } from '../schemas/generated/events.ts';
import type { InteractionTimeline } from './timeline.ts';

export interface TimelineReader {
  /** The operator (a person's account name). */
  readonly actorId: string;
  readonly purpose: string;
  /** EXPORT when written to a file. */
  readonly action: 'READ' | 'EXPORT';
}

const roleOf = { compliance: 'COMPLIANCE', analyst: 'ANALYST' } as const;

/** Personal field paths the timeline shows in clear (`<type>.<path>`), as the API names them. */
export function revealedFields(codec: EventCodec, timeline: InteractionTimeline): string[] {
  if (timeline.role !== 'compliance') return [];
  const fields = new Set<string>();
  for (const event of timeline.events) for (const path of codec.catalogue.get(event.type).piiPaths) fields.add(`${event.type}.${path}`);
  return [...fields].sort();
}

function customerOf(timeline: InteractionTimeline): string | null {
  const identified = timeline.events.filter((e) => e.type === 'CustomerIdentified').at(-1);
  return identified ? (identified.data as { customerId: string }).customerId : null;
}

export function timelineAccess(codec: EventCodec, reader: TimelineReader, timeline: InteractionTimeline, now: number): LedgerEvent<'DataAccessed'> {
  return {
    type: 'DataAccessed',
    metadata: {
      eventId: randomUUID(), eventType: 'DataAccessed', occurredAt: now, recordedAt: now, sourceSystem: 'new', interactionId: timeline.interactionId,
      correlationId: null, causationId: null, producer: { component: 'cli/timeline', version: '0.1.0' }, dataSubject: null,
    },
    data: {
      actorId: reader.actorId, role: roleOf[timeline.role], resource: 'call-ledger timeline', action: reader.action, customerId: customerOf(timeline),
      interactionId: timeline.interactionId, purpose: reader.purpose, outcome: 'ALLOWED', fieldsRevealed: revealedFields(codec, timeline), requestId: null,
    },
  };
}

/** Appends one DataAccessed per timeline, durably, before anything is shown. */
export async function recordTimelineAccess(log: LedgerLog, codec: EventCodec, reader: TimelineReader, timelines: readonly InteractionTimeline[], now: number, auditTopic = codec.catalogue.get('DataAccessed').topic): Promise<void> {
  if (timelines.length === 0) return;
  const records = [];
  for (const timeline of timelines) {
    const event = timelineAccess(codec, reader, timeline, now);
    records.push({ topic: auditTopic, key: reader.actorId, value: await codec.encode(event) });
  }
  await log.append(records);
}
