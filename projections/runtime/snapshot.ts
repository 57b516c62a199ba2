// Read-model snapshots for DR and fast cold starts (docs/operations.md, "DR takeover"): every
// projection schema (`<prefix>_*`: the catalog, the read views and each version's rows, entity
// documents and checkpoints) dumped with pg_dump in one transaction, so rows and checkpoints
// agree; restored with pg_restore in one transaction into a database that has none yet. Started
// from such a snapshot, the live projections go on from its checkpoints: only the log's tail since
// the snapshot is read. Needs pg_dump / pg_restore of the server's major version (or newer).
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  readonly retriable = false;
}

export interface SnapshotTarget {
  /** PostgreSQL connection URL of the read-model database. */
  readonly databaseUrl: string;
  /** The projection schema prefix (LEDGER_PROJECTIONS_PREFIX). */
  readonly prefix: string;
  /** The snapshot file (pg_dump's custom format). */
  readonly file: string;
}

/** The projection schemas of `prefix` in the database, by name. */
export async function projectionSchemas(databaseUrl: string, prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like $1 order by 1`, [`${prefix.replaceAll('_', '\\_')}\\_%`]);
    return rows.map((row) => row.nspname);
  } finally {
    await client.end();
  }
}

async function tool(name: 'pg_dump' | 'pg_restore', args: readonly string[]): Promise<void> {
  try {
    await run(name, [...args], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { code?: unknown; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new SnapshotError(`${name} is not on the PATH: install the PostgreSQL client tools of the server's major version (e.g. apt-get install postgresql-client)`);
    throw new SnapshotError(`${name} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** Dumps every projection schema of `prefix` into `file`; returns them and the file's size. */
export async function snapshotReadModels(target: SnapshotTarget): Promise<{ schemas: string[]; bytes: number }> {
  const schemas = await projectionSchemas(target.databaseUrl, target.prefix);
  if (schemas.length === 0) throw new SnapshotError(`prefix: no projection schemas '${target.prefix}_*' in the database (nothing built yet, or another LEDGER_PROJECTIONS_PREFIX)`);
  await tool('pg_dump', ['--format=custom', '--compress=1', `--schema=${target.prefix}_*`, `--file=${target.file}`, target.databaseUrl]);
  return { schemas, bytes: statSync(target.file).size };
}

/**
 * Restores a snapshot in one transaction (all or nothing). The database must hold no projection
 * schema of `prefix`: restoring over read models would mix two histories' rows and checkpoints.
 */
export async function restoreReadModels(target: SnapshotTarget): Promise<{ schemas: string[] }> {
  try {
    statSync(target.file);
  } catch {
    throw new SnapshotError(`from: no snapshot file '${target.file}'`);
  }
  const existing = await projectionSchemas(target.databaseUrl, target.prefix);
  if (existing.length > 0) {
    throw new SnapshotError(`the database already holds projection schemas (${existing.join(', ')}): restore into a database without read models of prefix '${target.prefix}' (drop them first if they are to be replaced)`);
  }
  await tool('pg_restore', ['--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${target.databaseUrl}`, target.file]);
  return { schemas: await projectionSchemas(target.databaseUrl, target.prefix) };
}
