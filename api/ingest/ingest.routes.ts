// POST /v1/events (one event) and POST /v1/events/batch ({ events: [...] }) for telephony, IVR,
// speech and biometric engines (role ingest). A batch is all or nothing at validation: one bad
// event refuses the batch and nothing is appended. 2xx only once the events are durably in the
// log; a retry of an accepted eventId answers `duplicate` with the original position.
import { Router, type Request } from 'express';
import { allow, principalOf } from '../http/auth.ts';
import { fail } from '../http/problem.ts';
import type { TokenBuckets } from '../http/rate-limit.ts';
import { toAppendRecord } from '../../log/runtime/event-records.ts';
import { EventValidationError, UnknownEventTypeError, type EventCodec } from '../../schemas/codec/event-codec.ts';
import { PersonalDataError } from '../../schemas/pii/personal-data.ts';
import type { JsonEventValidator } from '../../schemas/validation/json-event-validator.ts';
import type { FieldProblem } from '../http/problem.ts';
import type { IngestOutcome, IngestService, PendingEvent } from './ingest-service.ts';
import { prepareEvent, type Producer } from './prepare-event.ts';

export interface IngestRouteParts {
  readonly now: () => number;
  readonly codec: EventCodec;
  readonly validator: JsonEventValidator;
  readonly ingest: IngestService;
  readonly buckets: TokenBuckets;
  readonly producer: Producer;
  readonly maxBatchEvents: number;
}

function sourceOf(req: Request): string {
  const principal = principalOf(req);
  return principal.source ?? principal.subject;
}

async function toPending(parts: IngestRouteParts, raw: unknown, source: string, prefix: string): Promise<{ pending?: PendingEvent; errors: FieldProblem[] }> {
  const prepared = prepareEvent(raw, { validator: parts.validator, catalogue: parts.codec.catalogue, now: parts.now(), producer: parts.producer });
  if (!prepared.ok) return { errors: prepared.errors.map((e) => ({ ...e, field: prefix + e.field })) };
  try {
    const record = await toAppendRecord(parts.codec, prepared.event);
    return { pending: { eventId: prepared.event.metadata.eventId, type: prepared.event.type, source, record }, errors: [] };
  } catch (error) {
    if (error instanceof EventValidationError) return { errors: [{ field: prefix + error.field, rule: 'avro', message: error.rule }] };
    if (error instanceof PersonalDataError) return { errors: [{ field: `${prefix}metadata.dataSubject`, rule: 'required', message: error.message }] };
    if (error instanceof UnknownEventTypeError) return { errors: [{ field: `${prefix}type`, rule: 'enum', message: error.message }] };
    throw error;
  }
}

function limit(parts: IngestRouteParts, source: string, count: number): void {
  const taken = parts.buckets.take(source, count);
  if (!taken.allowed) {
    fail('rateLimited', `Source '${source}' is over its rate limit; retry after ${taken.retryAfterSeconds} s.`, { source }, { 'Retry-After': String(taken.retryAfterSeconds) });
  }
}

/** Appends; a log that cannot take the events is 503 with Retry-After (nothing was accepted). */
async function submit(parts: IngestRouteParts, events: readonly PendingEvent[]): Promise<IngestOutcome[]> {
  try {
    return await parts.ingest.submit(events);
  } catch (error) {
    return fail('unavailable', `The log did not accept the events (${(error as Error).message.slice(0, 120)}); nothing was accepted, retry.`, {}, { 'Retry-After': '1' });
  }
}

function body(outcome: IngestOutcome): Record<string, unknown> {
  return outcome.status === 'in-progress' ? { eventId: outcome.eventId, status: outcome.status } : { eventId: outcome.eventId, status: outcome.status, position: outcome.position };
}

export function ingestRoutes(parts: IngestRouteParts): Router {
  const router = Router();

  router.post('/v1/events', allow('ingest'), async (req, res) => {
    const source = sourceOf(req);
    limit(parts, source, 1);
    const { pending, errors } = await toPending(parts, req.body, source, '');
    if (!pending) fail('validation', `The event is not valid: ${errors.map((e) => `${e.field} (${e.rule})`).join(', ')}.`, { errors });
    const [outcome] = await submit(parts, [pending]);
    if (outcome.status === 'in-progress') {
      fail('inProgress', `Event ${outcome.eventId} is being appended by another request; retry to learn its position.`, { eventId: outcome.eventId }, { 'Retry-After': '1' });
    }
    res.status(outcome.status === 'accepted' ? 201 : 200).json(body(outcome));
  });

  router.post('/v1/events/batch', allow('ingest'), async (req, res) => {
    const source = sourceOf(req);
    const events = (req.body as { events?: unknown } | undefined)?.events;
    if (!Array.isArray(events)) fail('validation', 'The body must be { "events": [ ... ] }.', { errors: [{ field: 'events', rule: 'type', message: 'must be an array' }] });
    if (events.length === 0) fail('validation', 'The batch is empty.', { errors: [{ field: 'events', rule: 'minItems', message: 'must have at least 1 event' }] });
    if (events.length > parts.maxBatchEvents) {
      fail('tooLarge', `At most ${parts.maxBatchEvents} events per batch.`, { errors: [{ field: 'events', rule: 'maxItems', message: `must have at most ${parts.maxBatchEvents} events` }] });
    }
    limit(parts, source, events.length);
    const prepared = await Promise.all(events.map((raw, i) => toPending(parts, raw, source, `events[${i}].`)));
    const errors = prepared.flatMap((p) => p.errors);
    if (errors.length > 0) fail('validation', `${prepared.filter((p) => !p.pending).length} of ${events.length} events are not valid; nothing was appended.`, { errors });
    const outcomes = await submit(parts, prepared.map((p) => p.pending as PendingEvent));
    const accepted = outcomes.filter((o) => o.status === 'accepted').length;
    res.status(200).json({ accepted, duplicates: outcomes.filter((o) => o.status === 'duplicate').length, inProgress: outcomes.filter((o) => o.status === 'in-progress').length, results: outcomes.map(body) });
  });

  return router;
}
