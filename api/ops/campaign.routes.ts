// Outbound campaigns from the API (ops, supervisor): start one with its configuration document,
// pause and resume it — control events on ledger.outbound, as `call-ledger campaign` appends
// them (docs/outbound.md). A bad document is refused with 422 naming each field and rule, and
// nothing is appended. Contact lists are imported with `call-ledger campaign start --contacts`.
import { Router } from 'express';
import { parseCampaignConfig, type CampaignConfig } from '../../streams/outbound/campaign-config.ts';
import { RuleValidationError } from '../../streams/rules/rule-document.ts';
import { allow, principalOf } from '../http/auth.ts';
import { validateBody } from '../http/body-schema.ts';
import { fail } from '../http/problem.ts';
import type { LedgerIo } from '../ledger/ledger-io.ts';

export const campaignCommandSchemas = {
  pause: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } } },
  resume: { type: 'object', additionalProperties: false, properties: {} },
} as const;

const campaignIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

function campaignIdOf(value: string): string {
  if (!campaignIdPattern.test(value)) fail('validation', 'campaignId has characters that are not allowed.', { errors: [{ field: 'campaignId', rule: 'pattern', message: `must match ${campaignIdPattern.source}` }] });
  return value;
}

export function campaignRoutes(parts: { readonly io: LedgerIo }): Router {
  const router = Router();
  const operators = allow('ops', 'supervisor');

  router.post('/v1/ops/campaigns', operators, async (req, res) => {
    let config: CampaignConfig;
    try {
      config = parseCampaignConfig(req.body);
    } catch (error) {
      if (!(error instanceof RuleValidationError)) throw error;
      return fail('validation', `The campaign configuration is not valid: ${error.errors.map((e) => `${e.field} (${e.rule})`).join(', ')}.`, { errors: error.errors });
    }
    const [event] = await parts.io.write([{
      type: 'CampaignStarted',
      data: {
        campaignId: config.campaignId, campaignVersion: config.version, name: config.name, purpose: config.purpose, dialMode: config.dialMode,
        config: JSON.stringify(config), maxDropRate: config.abandonCap.rate, startedBy: principalOf(req).subject,
      },
    }]);
    res.status(201).json({ eventId: event.metadata.eventId, campaignId: config.campaignId, version: config.version, dialMode: config.dialMode });
  });

  router.post('/v1/ops/campaigns/:campaignId/pause', operators, validateBody(campaignCommandSchemas.pause), async (req, res) => {
    const campaignId = campaignIdOf(String(req.params.campaignId));
    const [event] = await parts.io.write([{ type: 'CampaignPaused', data: { campaignId, reason: (req.body as { reason: string }).reason, pausedBy: principalOf(req).subject, automatic: false } }]);
    res.status(201).json({ eventId: event.metadata.eventId, campaignId, status: 'PAUSED' });
  });

  router.post('/v1/ops/campaigns/:campaignId/resume', operators, validateBody(campaignCommandSchemas.resume), async (req, res) => {
    const campaignId = campaignIdOf(String(req.params.campaignId));
    const [event] = await parts.io.write([{ type: 'CampaignResumed', data: { campaignId, resumedBy: principalOf(req).subject } }]);
    res.status(201).json({ eventId: event.metadata.eventId, campaignId, status: 'RUNNING' });
  });

  return router;
}
