// The replay operations behind the ops API's jobs, bound to this process's ledger: rebuild
// (projections/runtime/rebuild.ts), re-drive counted first (replay/redrive.ts) and what-if
// (replay/what-if/), each reporting progress to its job.
import type { Knex } from 'knex';
import type { Ledger } from '../../platform/open-ledger.ts';
import { projectionSettingsFrom, readModels } from '../../projections/read-models.ts';
import { rebuild, selectReadModels } from '../../projections/runtime/rebuild.ts';
import { ProjectionStore } from '../../projections/runtime/store.ts';
import { redrive } from '../../replay/redrive.ts';
import { runWhatIf, validateWhatIf } from '../../replay/what-if/what-if.ts';
import type { ReplayOperations } from './replay.routes.ts';

export function replayOperations(ledger: Ledger, knex: Knex): ReplayOperations {
  const settings = projectionSettingsFrom(ledger.config.projections);
  const models = readModels(settings);
  const { log, codec, personalData } = ledger;
  return {
    projections: models.map((m) => m.name),
    async rebuild(name, progress) {
      const store = new ProjectionStore(knex, settings.schemaPrefix);
      const result = await rebuild({
        knex, log, codec, store, models: selectReadModels(models, name),
        onProgress: (p) => progress({ phase: p.phase, done: p.processed, total: p.total }),
      });
      return { versions: Object.fromEntries(result.versions), records: result.records, seconds: result.seconds, eventsPerSecond: result.eventsPerSecond, resumed: result.resumed, readSchema: store.readSchema };
    },
    async redrive(request, progress) {
      progress({ phase: 'counting', done: 0, total: null });
      const count = await redrive({ source: log, topic: request.topic, to: request.to, range: request.range, dryRun: true });
      progress({ phase: request.dryRun ? 'counted' : 'copying', done: 0, total: count.records });
      if (request.dryRun) return count;
      const report = await redrive({
        source: log, topic: request.topic, to: request.to, range: request.range,
        onProgress: (p) => progress({ phase: 'copying', done: p.copied, total: count.records }),
      });
      return { counted: count.records, ...report };
    },
    validateWhatIf: (request) => validateWhatIf(request),
    whatIf: (request, progress) => runWhatIf(
      { log, codec, personalData, settings: settings.wallboard }, request,
      (p) => progress({ phase: p.phase, done: p.read, total: p.total }),
    ),
  };
}
