// The read models this build projects, with their settings. Adding one: docs/projections.md.
import { auditTrailReadModel } from './audit-trail/audit-trail.read-model.ts';
import { agentProfilesReadModel } from './agent-profiles/agent-profiles.read-model.ts';
import { customerHistoryReadModel } from './customer-history/customer-history.read-model.ts';
import { intentsReadModel } from './intents/intents.read-model.ts';
import { ivrFunnelReadModel } from './ivr-funnel/ivr-funnel.read-model.ts';
import { liveQueuesReadModel } from './live-queues/live-queues.read-model.ts';
import { outboundCampaignsReadModel } from './outbound-campaigns/outbound-campaigns.read-model.ts';
import { questionsReadModel } from './questions/questions.read-model.ts';
import type { ProjectionsConfig } from '../platform/config.ts';
import type { ReadModel } from './runtime/read-model.ts';
import { wallboardReadModel } from './wallboard/wallboard.read-model.ts';
import { defaultWallboardSettings, type WallboardSettings } from './wallboard/wallboard.projection.ts';

export interface ProjectionSettings {
  /** Prefix of every projection schema (`<prefix>_read`, `<prefix>_catalog`, `<prefix>_<name>_v<N>`). */
  readonly schemaPrefix: string;
  readonly wallboard: WallboardSettings;
}

export const defaultProjectionSettings: ProjectionSettings = { schemaPrefix: 'proj', wallboard: defaultWallboardSettings };

/** From the configuration (LEDGER_PROJECTIONS_PREFIX, LEDGER_TIME_ZONE, LEDGER_SERVICE_LEVEL_SECONDS, LEDGER_SHORT_ABANDON_SECONDS). */
export function projectionSettingsFrom(config: ProjectionsConfig): ProjectionSettings {
  return {
    schemaPrefix: config.schemaPrefix,
    wallboard: { timeZone: config.timeZone, serviceLevelSeconds: config.serviceLevelSeconds, shortAbandonSeconds: config.shortAbandonSeconds },
  };
}

export function readModels(settings: ProjectionSettings = defaultProjectionSettings): ReadModel[] {
  return [
    liveQueuesReadModel() as ReadModel, wallboardReadModel(settings.wallboard) as ReadModel, auditTrailReadModel() as ReadModel,
    agentProfilesReadModel({ timeZone: settings.wallboard.timeZone }) as ReadModel, customerHistoryReadModel() as ReadModel,
    ivrFunnelReadModel({ timeZone: settings.wallboard.timeZone }) as ReadModel, intentsReadModel({ timeZone: settings.wallboard.timeZone }) as ReadModel,
    outboundCampaignsReadModel() as ReadModel, questionsReadModel({ timeZone: settings.wallboard.timeZone }) as ReadModel,
  ];
}
