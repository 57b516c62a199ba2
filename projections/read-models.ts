// The read models this build projects, with their settings. Adding one: docs/projections.md.
import { liveQueuesReadModel } from './live-queues/live-queues.read-model.ts';
import type { ReadModel } from './runtime/read-model.ts';
import { wallboardReadModel } from './wallboard/wallboard.read-model.ts';
import { defaultWallboardSettings, type WallboardSettings } from './wallboard/wallboard.projection.ts';

export interface ProjectionSettings {
  /** Prefix of every projection schema (`<prefix>_read`, `<prefix>_catalog`, `<prefix>_<name>_v<N>`). */
  readonly schemaPrefix: string;
  readonly wallboard: WallboardSettings;
}

export const defaultProjectionSettings: ProjectionSettings = { schemaPrefix: 'proj', wallboard: defaultWallboardSettings };

function number(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: must be a non-negative number, got '${raw}'`);
  return value;
}

/** LEDGER_PROJECTIONS_PREFIX, LEDGER_TIME_ZONE, LEDGER_SERVICE_LEVEL_SECONDS, LEDGER_SHORT_ABANDON_SECONDS. */
export function projectionSettingsFrom(env: NodeJS.ProcessEnv): ProjectionSettings {
  const timeZone = env.LEDGER_TIME_ZONE || defaultWallboardSettings.timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`LEDGER_TIME_ZONE: '${timeZone}' is not an IANA time zone`);
  }
  return {
    schemaPrefix: env.LEDGER_PROJECTIONS_PREFIX || 'proj',
    wallboard: {
      timeZone,
      serviceLevelSeconds: number(env, 'LEDGER_SERVICE_LEVEL_SECONDS', defaultWallboardSettings.serviceLevelSeconds),
      shortAbandonSeconds: number(env, 'LEDGER_SHORT_ABANDON_SECONDS', defaultWallboardSettings.shortAbandonSeconds),
    },
  };
}

export function readModels(settings: ProjectionSettings = defaultProjectionSettings): ReadModel[] {
  return [liveQueuesReadModel() as ReadModel, wallboardReadModel(settings.wallboard) as ReadModel];
}
