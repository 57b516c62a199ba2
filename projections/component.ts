// The live projections as a component of `call-ledger run` (shaped like cli/components.ts'
// Component, which it does not import: cli/ imports projections/, never the other way round).
// Core read models are projected by the `projections` group whatever the system mode; read
// models that declare a sheddable feature are projected by one group per feature
// (`projections.<feature>`), which pauses while the mode sheds that feature and catches up after.
import type { Knex } from 'knex';
import type { Logger } from '../platform/logger.ts';
import type { Ledger } from '../platform/open-ledger.ts';
import { runSheddable, type Consumption } from '../platform/degradation/shed-when-degraded.ts';
import { watchSystemMode } from '../platform/degradation/system-mode-watch.ts';
import { projectionSettingsFrom, readModels } from './read-models.ts';
import { startProjections } from './runtime/live.ts';
import { openKnex } from './runtime/open-knex.ts';
import type { ReadModel } from './runtime/read-model.ts';
import { ProjectionStore } from './runtime/store.ts';
import { componentFailed } from '../platform/component-failure.ts';

export const coreProjectionsGroup = 'projections';

/** The consumer group of the read models that serve a sheddable feature. */
export function sheddableProjectionsGroup(feature: string): string {
  return `${coreProjectionsGroup}.${feature}`;
}

/** Core read models first (key ''), then one entry per sheddable feature. */
export function groupByFeature(models: readonly ReadModel[]): Map<string, ReadModel[]> {
  const byFeature = new Map<string, ReadModel[]>([['', []]]);
  for (const model of models) {
    const feature = model.sheddableFeature ?? '';
    byFeature.set(feature, [...(byFeature.get(feature) ?? []), model]);
  }
  return byFeature;
}

export const projectionsComponent = {
  name: 'projections',
  async start(ledger: Ledger, logger: Logger): Promise<{ readonly name: string; stop(): Promise<void> }> {
    const settings = projectionSettingsFrom(ledger.config.projections);
    const knex = openKnex(ledger.databaseUrl);
    const store = new ProjectionStore(knex, settings.schemaPrefix);
    const running: Consumption[] = [];
    const watch = await watchSystemMode({
      log: ledger.log, codec: ledger.codec, pollMs: ledger.config.degradation.modePollMs,
      onError: (error) => logger.warn({ err: error }, 'projections: system mode not read'),
    });
    const stopAll = async (): Promise<void> => {
      for (const consumption of running.reverse()) await consumption.stop();
      await watch.stop();
      await knex.destroy();
    };
    try {
      for (const [feature, models] of groupByFeature(readModels(settings))) {
        if (models.length === 0) continue;
        const group = feature === '' ? coreProjectionsGroup : sheddableProjectionsGroup(feature);
        const start = () => startLive(ledger, logger, knex, store, models, group);
        if (feature === '') {
          running.push(await start());
          continue;
        }
        running.push(await runSheddable({
          feature, watch, start,
          onShed: (paused, mode) => logger.warn({ group, feature, mode: mode?.mode ?? 'NORMAL', readModels: models.map((m) => m.name) }, paused ? 'projections: paused (feature shed)' : 'projections: resumed, catching up from the log'),
        }));
      }
      return { name: 'projections', stop: stopAll };
    } catch (error) {
      await stopAll();
      throw error;
    }
  },
};

async function startLive(ledger: Ledger, logger: Logger, knex: Knex, store: ProjectionStore, models: readonly ReadModel[], group: string): Promise<Consumption> {
  const live = await startProjections({
    knex, log: ledger.log, codec: ledger.codec, store, models, group,
    onPoison: (record, error) => logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, err: error }, 'projections: record skipped (cannot be decoded)'),
    onRetry: (error, attempt) => logger.warn({ group, attempt, err: error }, 'projections: batch failed for a passing reason; projecting it again'),
    onBuildProgress: (p) => logger.info({ readModels: p.readModels, processed: p.processed, total: p.total, eventsPerSecond: p.eventsPerSecond, etaSeconds: p.etaSeconds }, `projections: building (${p.phase})`),
  });
  live.done.catch((error: unknown) => {
    logger.error({ err: error, group }, 'projections stopped');
    componentFailed('projections', error);
  });
  logger.info({ group, readModels: models.map((m) => m.name), views: store.readSchema }, 'projections live');
  return live;
}
