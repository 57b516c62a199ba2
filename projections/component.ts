// The live projections as a component of `call-ledger run` (shaped like cli/components.ts'
// Component, which it does not import: cli/ imports projections/, never the other way round).
import type { Logger } from '../platform/logger.ts';
import type { Ledger } from '../platform/open-ledger.ts';
import { projectionSettingsFrom, readModels } from './read-models.ts';
import { startProjections } from './runtime/live.ts';
import { openKnex } from './runtime/open-knex.ts';
import { ProjectionStore } from './runtime/store.ts';

export const projectionsComponent = {
  name: 'projections',
  async start(ledger: Ledger, logger: Logger): Promise<{ readonly name: string; stop(): Promise<void> }> {
    const settings = projectionSettingsFrom(ledger.config.projections);
    const knex = openKnex(ledger.databaseUrl);
    const store = new ProjectionStore(knex, settings.schemaPrefix);
    const models = readModels(settings);
    try {
      const live = await startProjections({
        knex, log: ledger.log, codec: ledger.codec, store, models, group: 'projections',
        onPoison: (record, error) => logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, err: error }, 'projections: record skipped (cannot be decoded)'),
        onBuildProgress: (p) => logger.info({ readModels: p.readModels, processed: p.processed, total: p.total, eventsPerSecond: p.eventsPerSecond, etaSeconds: p.etaSeconds }, `projections: building (${p.phase})`),
      });
      live.done.catch((error: unknown) => logger.error({ err: error }, 'projections stopped'));
      logger.info({ readModels: models.map((m) => m.name), views: store.readSchema }, 'projections live');
      return {
        name: 'projections',
        async stop() {
          await live.stop();
          await knex.destroy();
        },
      };
    } catch (error) {
      await knex.destroy();
      throw error;
    }
  },
};
