// Compliance: the timeline of an interaction (from the log, in offset order) and of a customer
// (their interactions, plus who read their data: DataAccessed), personal fields decrypted for
// compliance and redacted for supervisors; JSON or NDJSON export; the audit trail of an
// interaction with its hash chains verified (compliance only). Each read is audited.
import { Router, type Request, type Response } from 'express';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { allow, principalOf } from '../http/auth.ts';
import { fail } from '../http/problem.ts';
import type { AuditTrail } from '../ledger/audit-trail.ts';
import type { InteractionAccess } from '../ledger/interaction-access.ts';
import type { LedgerIo } from '../ledger/ledger-io.ts';
import { listFilter } from '../queries/analyst.routes.ts';
import type { QueryPorts } from '../queries/query-ports.ts';
import { timeline } from './timeline.ts';

const idPattern = /^[A-Za-z0-9._:/@-]{1,128}$/;

function checkId(value: string, field: string): string {
  if (!idPattern.test(value)) fail('validation', `${field} has characters that are not allowed.`, { errors: [{ field, rule: 'pattern', message: `must match ${idPattern.source}` }] });
  return value;
}

function sendTimeline(req: Request, res: Response, body: Record<string, unknown> & { entries: readonly unknown[] }): void {
  if (req.query.format === 'ndjson') {
    res.status(200).type('application/x-ndjson').set('Content-Disposition', 'attachment; filename="timeline.ndjson"');
    const { entries, ...head } = body;
    res.send([JSON.stringify(head), ...entries.map((e) => JSON.stringify(e))].join('\n') + '\n');
    return;
  }
  res.json(body);
}

export function complianceRoutes(parts: { now: () => number; io: LedgerIo; access: InteractionAccess; audit: AuditTrail; queries: QueryPorts; lookbackMs: number; maxScanDays: number }): Router {
  const router = Router();
  const who = allow('compliance', 'supervisor');
  const auditTopic = parts.io.codec.catalogue.get('DataAccessed').topic;

  const showAll = async (req: Request, items: readonly { record: Parameters<typeof timeline>[0][number]['record']; event: AnyLedgerEvent }[]) => {
    const shown = await parts.access.reveal(principalOf(req), items.map((i) => i.event));
    return { items: items.map((i, n) => ({ record: i.record, shown: shown.events[n] })), revealed: shown.revealed };
  };

  router.get('/v1/compliance/interactions/:interactionId/timeline', who, async (req, res) => {
    const principal = principalOf(req);
    const interactionId = checkId(String(req.params.interactionId), 'interactionId');
    const since = listFilter(req, parts.now(), []).from;
    const from = req.query.from === undefined ? parts.now() - parts.lookbackMs : since;
    const items = await parts.io.readKeyRecords(parts.access.interactionsTopic, interactionId, from);
    if (items.length === 0) fail('notFound', `No events of interaction ${interactionId} since ${new Date(from).toISOString()}.`);
    const { items: shown, revealed } = await showAll(req, items);
    const customerId = items.map((i) => i.event).reduce<string | null>((c, e) => (e.type === 'CustomerIdentified' ? e.data.customerId : c), null);
    await parts.audit.record(principal, {
      resource: 'GET /v1/compliance/interactions/{interactionId}/timeline', action: req.query.format ? 'EXPORT' : 'READ', customerId, interactionId,
      purpose: typeof req.query.purpose === 'string' ? req.query.purpose.slice(0, 200) : 'compliance review', outcome: 'ALLOWED', fieldsRevealed: revealed, requestId: null,
    });
    sendTimeline(req, res, { interactionId, customerId, ...timeline(shown) });
  });

  router.get('/v1/compliance/interactions/:interactionId/audit-trail', allow('compliance'), async (req, res) => {
    const principal = principalOf(req);
    const interactionId = checkId(String(req.params.interactionId), 'interactionId');
    if (!parts.queries.auditTrail) fail('notImplemented', 'The audit-trail read model is not available in this deployment yet.');
    const { entries, verification } = await parts.queries.auditTrail(interactionId);
    if (entries.length === 0) fail('notFound', `The audit trail has no rows for interaction ${interactionId}.`);
    await parts.audit.record(principal, {
      resource: 'GET /v1/compliance/interactions/{interactionId}/audit-trail', action: 'READ', customerId: entries.find((e) => e.customer_id !== null)?.customer_id ?? null, interactionId,
      purpose: typeof req.query.purpose === 'string' ? req.query.purpose.slice(0, 200) : 'compliance review', outcome: 'ALLOWED', fieldsRevealed: [], requestId: null,
    });
    res.json({ interactionId, verification, entries });
  });

  router.get('/v1/compliance/customers/:customerId/timeline', allow('compliance'), async (req, res) => {
    const principal = principalOf(req);
    const customerId = checkId(String(req.params.customerId), 'customerId');
    const { from, to } = listFilter(req, parts.now(), []);
    let interactionIds: readonly string[];
    if (parts.queries.customerInteractions) interactionIds = await parts.queries.customerInteractions(customerId, from, to);
    else {
      if (to - from > parts.maxScanDays * 86_400_000) fail('validation', `Without the customer-history read model the log is scanned: at most ${parts.maxScanDays} days per query.`, { errors: [{ field: 'from', rule: 'range', message: `at most ${parts.maxScanDays} days` }] });
      const found = await parts.io.scan(parts.access.interactionsTopic, from, to, (e) => e.type === 'CustomerIdentified' && e.data.customerId === customerId);
      interactionIds = [...new Set(found.map((f) => f.event.metadata.interactionId).filter((x): x is string => x !== null))];
    }
    const interactions = [];
    const revealedAll = new Set<string>();
    for (const interactionId of interactionIds) {
      const items = await parts.io.readKeyRecords(parts.access.interactionsTopic, interactionId, from);
      const { items: shown, revealed } = await showAll(req, items);
      revealed.forEach((r) => revealedAll.add(r));
      interactions.push({ interactionId, ...timeline(shown) });
    }
    const accesses = await parts.io.scan(auditTopic, from, to, (e) => e.type === 'DataAccessed' && e.data.customerId === customerId);
    await parts.audit.record(principal, {
      resource: 'GET /v1/compliance/customers/{customerId}/timeline', action: req.query.format ? 'EXPORT' : 'READ', customerId, interactionId: null,
      purpose: typeof req.query.purpose === 'string' ? req.query.purpose.slice(0, 200) : 'compliance review', outcome: 'ALLOWED', fieldsRevealed: [...revealedAll], requestId: null,
    });
    sendTimeline(req, res, {
      customerId, from: new Date(from).toISOString(), to: new Date(to).toISOString(), interactions,
      entries: accesses.map((a) => ({ position: { topic: a.record.topic, partition: a.record.partition, offset: a.record.offset }, eventId: a.event.metadata.eventId, occurredAt: new Date(a.event.metadata.occurredAt).toISOString(), data: a.event.data })),
    });
  });
  return router;
}
