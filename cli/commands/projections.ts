// `call-ledger projections …`: rebuild a read model (or all) from offset zero into a fresh
// version and swap it in, list versions, drop a retired one; snapshot every read model to a file
// and restore one into a database without read models (DR, fast cold starts).
import cliProgress from 'cli-progress';
import { readConfig } from '../../platform/config.ts';
import { openLedger, type Ledger } from '../../platform/open-ledger.ts';
import { projectionSettingsFrom, readModels } from '../../projections/read-models.ts';
import { openKnex } from '../../projections/runtime/open-knex.ts';
import { rebuild, selectReadModels } from '../../projections/runtime/rebuild.ts';
import { restoreReadModels, snapshotReadModels } from '../../projections/runtime/snapshot.ts';
import { ProjectionStore } from '../../projections/runtime/store.ts';
import type { Knex } from 'knex';

async function withStore<T>(body: (ledger: Ledger, knex: Knex, store: ProjectionStore) => Promise<T>): Promise<T> {
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  const knex = openKnex(ledger.databaseUrl);
  try {
    const store = new ProjectionStore(knex, ledger.config.projections.schemaPrefix);
    await store.init();
    return await body(ledger, knex, store);
  } finally {
    await knex.destroy();
    await ledger.close();
  }
}

export function rebuildCommand(name: string): Promise<void> {
  return withStore(async (ledger, knex, store) => {
    const models = selectReadModels(readModels(projectionSettingsFrom(ledger.config.projections)), name);
    const bar = new cliProgress.SingleBar({ format: 'rebuild {models} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}', etaBuffer: 50 }, cliProgress.Presets.shades_classic);
    let started = false;
    const result = await rebuild({
      knex, log: ledger.log, codec: ledger.codec, store, models,
      onProgress: (p) => {
        const payload = { models: p.readModels.join(','), rate: p.eventsPerSecond };
        if (!started) {
          bar.start(Math.max(1, p.total), p.processed, payload);
          started = true;
        }
        bar.setTotal(Math.max(1, p.phase === 'swapped' ? p.processed : Math.max(p.total, p.processed)));
        bar.update(p.processed, payload);
      },
    });
    if (started) bar.stop();
    for (const [model, version] of result.versions) console.log(`${model}: version ${version} is current (views in ${store.readSchema})`);
    console.log(`${result.records} events in ${result.seconds.toFixed(1)} s (${result.eventsPerSecond} events/s)${result.resumed ? ', resumed' : ''}`);
  });
}

export function versionsCommand(name: string | undefined): Promise<void> {
  return withStore(async (ledger, _knex, store) => {
    const names = name ? [name] : readModels(projectionSettingsFrom(ledger.config.projections)).map((m) => m.name);
    console.log('read model\tversion\tstatus\tschema\tbuilt at\tsettings');
    for (const n of names) {
      for (const v of await store.versions(n)) console.log(`${n}\t${v.version}\t${v.status}\t${v.schema}\t${v.builtAt?.toISOString() ?? '-'}\t${JSON.stringify(v.settings)}`);
    }
  });
}

export function dropVersionCommand(name: string, version: string): Promise<void> {
  return withStore(async (_ledger, _knex, store) => {
    await store.dropVersion(name, Number(version));
    console.log(`${name} v${version} dropped`);
  });
}

/** The read-model database as the product sees it (the embedded PostgreSQL started if that is the configuration). */
async function withDatabase<T>(body: (databaseUrl: string, prefix: string) => Promise<T>): Promise<T> {
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  try {
    return await body(ledger.databaseUrl, ledger.config.projections.schemaPrefix);
  } finally {
    await ledger.close();
  }
}

export function snapshotCommand(options: { out: string }): Promise<void> {
  return withDatabase(async (databaseUrl, prefix) => {
    const started = Date.now();
    const { schemas, bytes } = await snapshotReadModels({ databaseUrl, prefix, file: options.out });
    console.log(`${options.out}: ${schemas.length} projection schemas, ${(bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}

export function restoreCommand(options: { from: string }): Promise<void> {
  return withDatabase(async (databaseUrl, prefix) => {
    const started = Date.now();
    const { schemas } = await restoreReadModels({ databaseUrl, prefix, file: options.from });
    console.log(`restored ${schemas.length} projection schemas from ${options.from} in ${((Date.now() - started) / 1000).toFixed(1)} s; \`call-ledger run\` goes on from their checkpoints`);
  });
}
