// A customer's past contacts. Agents only for the customer of a call offered to them (named by
// ?interactionId=, checked on the log); compliance for anyone. Every read is audited.
import { Router } from 'express';
import { allow, principalOf } from '../http/auth.ts';
import { fail } from '../http/problem.ts';
import type { AuditTrail } from '../ledger/audit-trail.ts';
import type { InteractionAccess } from '../ledger/interaction-access.ts';
import { mayReveal } from '../ledger/personal-fields.ts';
import { SUMMARY_FIELD } from './contact-summaries.ts';
import type { QueryPorts } from './query-ports.ts';

const idPattern = /^[A-Za-z0-9._:/@-]{1,128}$/;

export function customerRoutes(parts: { access: InteractionAccess; audit: AuditTrail; queries: QueryPorts }): Router {
  const router = Router();
  router.get('/v1/customers/:customerId/history', allow('agent', 'compliance'), async (req, res) => {
    const principal = principalOf(req);
    const customerId = String(req.params.customerId);
    if (!idPattern.test(customerId)) fail('validation', 'customerId has characters that are not allowed.', { errors: [{ field: 'customerId', rule: 'pattern', message: `must match ${idPattern.source}` }] });
    const resource = 'GET /v1/customers/{customerId}/history';
    if (principal.role === 'agent') {
      const interactionId = typeof req.query.interactionId === 'string' ? req.query.interactionId : '';
      if (!idPattern.test(interactionId)) fail('forbidden', 'Agents read a customer through a call offered to them: add ?interactionId=.');
      const { customerId: ofCall } = await parts.access.read(principal, interactionId, { resource, purpose: 'serving the call', requestId: null });
      if (ofCall !== customerId) {
        await parts.audit.record(principal, { resource, action: 'READ', customerId, interactionId, purpose: 'serving the call', outcome: 'DENIED', fieldsRevealed: [], requestId: null });
        fail('forbidden', `Customer ${customerId} is not the customer of interaction ${interactionId}.`);
      }
    }
    if (!parts.queries.customerHistory) fail('notImplemented', 'The customer-history read model is not available in this deployment yet.');
    await parts.audit.record(principal, { resource, action: 'READ', customerId, interactionId: null, purpose: principal.role === 'agent' ? 'serving the call' : 'compliance review', outcome: 'ALLOWED', fieldsRevealed: mayReveal(principal.role) ? [SUMMARY_FIELD] : [], requestId: null });
    res.json({ customerId, contacts: await parts.queries.customerHistory(customerId, 50, principal.role) });
  });
  return router;
}
