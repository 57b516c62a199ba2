// Wraps a decision in its envelope, deterministically: the event id is derived from the input
// event's id and the decision's position, times come from the input, and the causation id
// names the input. Replaying the same input yields byte-identical output (and duplicates of a
// redelivered batch carry the same ids, which consumers deduplicate).
import { createHash } from 'node:crypto';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { Decision } from './reactor.ts';

export function derivedEventId(inputEventId: string, name: string): string {
  const h = createHash('sha1').update(`${inputEventId}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function envelopeFor(input: AnyLedgerEvent, output: Decision, name: string, component: string): AnyLedgerEvent {
  const m = input.metadata;
  return {
    type: output.type,
    metadata: {
      eventId: derivedEventId(m.eventId, name), eventType: output.type, occurredAt: m.occurredAt, recordedAt: m.recordedAt, sourceSystem: 'new',
      interactionId: m.interactionId, correlationId: m.correlationId, causationId: m.eventId, producer: { component, version: '1' }, dataSubject: output.dataSubject ?? m.dataSubject,
    },
    data: output.data,
  } as AnyLedgerEvent;
}
