// Where read models live in PostgreSQL. Each built version of a read model has its own schema
// `<prefix>_<name>_v<N>` (its tables, its checkpoints, its entity documents, its migrations).
// A catalog (`<prefix>_catalog.read_models`) names the current version and the one being built;
// the stable schema `<prefix>_read` holds one view per table, re-pointed to the new version in
// the same transaction that makes it current, so readers never see a half-built set.
import type { Knex } from 'knex';
import type { ReadModel } from './read-model.ts';
import { quoteIdent } from './table-writer.ts';

export interface VersionInfo {
  readonly name: string;
  readonly version: number;
  readonly schema: string;
  readonly status: 'building' | 'current' | 'retired';
  readonly settings: Record<string, unknown>;
  readonly createdAt: Date;
  readonly builtAt: Date | null;
}

export class ProjectionStoreError extends Error {
  override readonly name = 'ProjectionStoreError';
}

const RUNTIME_MIGRATIONS: readonly { name: string; sql: (schema: string) => string }[] = [
  {
    name: 'runtime:0001 checkpoints and entity documents',
    sql: (s) => `
      create table if not exists ${s}.checkpoints (
        projection text not null, topic text not null, partition int not null, next_offset bigint not null,
        primary key (projection, topic, partition));
      create table if not exists ${s}.entity_state (
        key text primary key, state jsonb not null, recent_ids text[] not null);`,
  },
];

/** JSON with sorted keys (jsonb does not keep key order). */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export class ProjectionStore {
  readonly knex: Knex;
  readonly prefix: string;
  readonly catalogSchema: string;
  readonly readSchema: string;

  constructor(knex: Knex, prefix = 'proj') {
    if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix)) throw new ProjectionStoreError(`projection schema prefix '${prefix}' must be a lower-case identifier`);
    this.knex = knex;
    this.prefix = prefix;
    this.catalogSchema = `${prefix}_catalog`;
    this.readSchema = `${prefix}_read`;
  }

  versionSchema(name: string, version: number): string {
    return `${this.prefix}_${name}_v${version}`;
  }

  /** Creates the catalog and read schemas once (concurrent callers serialise on an advisory lock). */
  async init(): Promise<void> {
    const c = quoteIdent(this.catalogSchema);
    await this.knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [this.catalogSchema]);
      await trx.raw(`create schema if not exists ${c}`);
      await trx.raw(`create schema if not exists ${quoteIdent(this.readSchema)}`);
      await trx.raw(`create table if not exists ${c}.read_models (
        name text primary key, current_version int, building_version int, updated_at timestamptz not null default now())`);
      await trx.raw(`create table if not exists ${c}.versions (
        name text not null, version int not null, schema_name text not null, status text not null,
        settings jsonb not null, created_at timestamptz not null default now(), built_at timestamptz,
        primary key (name, version))`);
    });
  }

  async currentVersions(names: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.knex.raw<{ rows: { name: string; current_version: number | null }[] }>(
      `select name, current_version from ${quoteIdent(this.catalogSchema)}.read_models where name = any(?)`,
      [[...names]],
    );
    const out = new Map<string, number>();
    for (const row of rows.rows) if (row.current_version !== null) out.set(row.name, row.current_version);
    return out;
  }

  async versions(name: string): Promise<VersionInfo[]> {
    const rows = await this.knex.raw<{ rows: { name: string; version: number; schema_name: string; status: VersionInfo['status']; settings: Record<string, unknown>; created_at: Date; built_at: Date | null }[] }>(
      `select * from ${quoteIdent(this.catalogSchema)}.versions where name = ? order by version`,
      [name],
    );
    return rows.rows.map((r) => ({ name: r.name, version: r.version, schema: r.schema_name, status: r.status, settings: r.settings, createdAt: r.created_at, builtAt: r.built_at }));
  }

  /**
   * The version to build into: the unfinished one when its settings are unchanged (a resumed
   * rebuild continues from its own checkpoints), otherwise a fresh, empty, migrated version.
   */
  async beginBuild(model: ReadModel): Promise<{ version: number; schema: string; resumed: boolean }> {
    const c = quoteIdent(this.catalogSchema);
    const settings = JSON.stringify(model.settings);
    const chosen = await this.knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`${this.catalogSchema}:${model.name}`]);
      await trx.raw(`insert into ${c}.read_models (name) values (?) on conflict (name) do nothing`, [model.name]);
      const row = (await trx.raw<{ rows: { building_version: number | null }[] }>(`select building_version from ${c}.read_models where name = ? for update`, [model.name])).rows[0];
      if (row?.building_version != null) {
        const building = (await trx.raw<{ rows: { settings: unknown }[] }>(`select settings from ${c}.versions where name = ? and version = ?`, [model.name, row.building_version])).rows[0];
        if (building && canonical(building.settings) === canonical(model.settings)) {
          return { version: row.building_version, resumed: true };
        }
        await trx.raw(`update ${c}.versions set status = 'retired' where name = ? and version = ?`, [model.name, row.building_version]);
      }
      const next = (await trx.raw<{ rows: { next: number }[] }>(`select coalesce(max(version), 0) + 1 as next from ${c}.versions where name = ?`, [model.name])).rows[0].next;
      await trx.raw(`insert into ${c}.versions (name, version, schema_name, status, settings) values (?, ?, ?, 'building', ?::jsonb)`, [model.name, next, this.versionSchema(model.name, next), settings]);
      await trx.raw(`update ${c}.read_models set building_version = ?, updated_at = now() where name = ?`, [next, model.name]);
      return { version: next, resumed: false };
    });
    const schema = this.versionSchema(model.name, chosen.version);
    await this.migrate(model, schema);
    return { ...chosen, schema };
  }

  /** Runs the runtime's and the read model's migrations not yet recorded in `schema`. */
  async migrate(model: ReadModel, schema: string): Promise<void> {
    const s = quoteIdent(schema);
    await this.knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [schema]);
      await trx.raw(`create schema if not exists ${s}`);
      await trx.raw(`create table if not exists ${s}.migrations (name text primary key, applied_at timestamptz not null default now())`);
      const done = new Set((await trx.raw<{ rows: { name: string }[] }>(`select name from ${s}.migrations`)).rows.map((r) => r.name));
      for (const migration of RUNTIME_MIGRATIONS) {
        if (done.has(migration.name)) continue;
        await trx.raw(migration.sql(s));
        await trx.raw(`insert into ${s}.migrations (name) values (?)`, [migration.name]);
      }
      for (const migration of model.migrations) {
        const name = `${model.name}:${migration.name}`;
        if (done.has(name)) continue;
        await migration.up(trx, schema);
        await trx.raw(`insert into ${s}.migrations (name) values (?)`, [name]);
      }
    });
  }

  /**
   * Makes the built versions current in ONE transaction: the catalog rows and every view in the
   * read schema change together. The previous versions stay (status retired) until dropped.
   */
  async swap(models: readonly ReadModel[]): Promise<Map<string, number>> {
    const c = quoteIdent(this.catalogSchema);
    const r = quoteIdent(this.readSchema);
    const swapped = new Map<string, number>();
    await this.knex.transaction(async (trx) => {
      for (const model of models) {
        const row = (await trx.raw<{ rows: { building_version: number | null; current_version: number | null }[] }>(`select building_version, current_version from ${c}.read_models where name = ? for update`, [model.name])).rows[0];
        if (row?.building_version == null) throw new ProjectionStoreError(`${model.name}: no version is being built`);
        const schema = quoteIdent(this.versionSchema(model.name, row.building_version));
        for (const table of model.tables) {
          const view = quoteIdent(`${model.name}_${table.name}`);
          await trx.raw(`drop view if exists ${r}.${view}`);
          await trx.raw(`create view ${r}.${view} as select * from ${schema}.${quoteIdent(table.name)}`);
        }
        if (row.current_version != null) await trx.raw(`update ${c}.versions set status = 'retired' where name = ? and version = ?`, [model.name, row.current_version]);
        await trx.raw(`update ${c}.versions set status = 'current', built_at = now() where name = ? and version = ?`, [model.name, row.building_version]);
        await trx.raw(`update ${c}.read_models set current_version = building_version, building_version = null, updated_at = now() where name = ?`, [model.name]);
        swapped.set(model.name, row.building_version);
      }
    });
    return swapped;
  }

  /** Drops a retired version's schema (never the current one or the one being built). */
  async dropVersion(name: string, version: number): Promise<void> {
    const c = quoteIdent(this.catalogSchema);
    await this.knex.transaction(async (trx) => {
      const row = (await trx.raw<{ rows: { status: string }[] }>(`select status from ${c}.versions where name = ? and version = ? for update`, [name, version])).rows[0];
      if (!row) throw new ProjectionStoreError(`${name} v${version}: no such version`);
      if (row.status !== 'retired') throw new ProjectionStoreError(`${name} v${version} is ${row.status}: only retired versions can be dropped`);
      await trx.raw(`drop schema if exists ${quoteIdent(this.versionSchema(name, version))} cascade`);
      await trx.raw(`delete from ${c}.versions where name = ? and version = ?`, [name, version]);
    });
  }

  /** Removes everything under this prefix (tests). */
  async dropAll(): Promise<void> {
    const rows = await this.knex.raw<{ rows: { nspname: string }[] }>(`select nspname from pg_namespace where nspname like ?`, [`${this.prefix}\\_%`]);
    for (const row of rows.rows) await this.knex.raw(`drop schema if exists ${quoteIdent(row.nspname)} cascade`);
  }
}
