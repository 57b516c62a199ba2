// Low-latency wake-up for idle consumers: one LISTEN connection per log. Every wait also has a
// timeout, so a lost notification or a broken LISTEN connection only costs latency (polling).
import pg from 'pg';

export interface AppendNotifier {
  /** A counter that changes whenever one of the topics gets records; read it before fetching. */
  generation(): number;
  /** Resolves when `generation()` moves past `seen`, on `wake()`, or after `timeoutMs`. */
  waitForAppend(seen: number, timeoutMs: number): Promise<void>;
  /** Wakes every waiter now (used by stop). */
  wake(): void;
  close(): Promise<void>;
}

export async function startAppendNotifier(connectionConfig: pg.ClientConfig, channel: string): Promise<AppendNotifier> {
  let counter = 0;
  const waiters = new Set<() => void>();
  const wakeAll = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  let client: pg.Client | undefined = new pg.Client(connectionConfig);
  client.on('notification', () => {
    counter++;
    wakeAll();
  });
  // A dropped LISTEN connection degrades to polling rather than failing the log.
  client.on('error', () => {
    client = undefined;
  });
  try {
    await client.connect();
    await client.query(`listen "${channel.replaceAll('"', '""')}"`);
  } catch {
    await client?.end().catch(() => undefined);
    client = undefined;
  }
  return {
    generation: () => counter,
    waitForAppend(seen, timeoutMs) {
      if (counter !== seen) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
      });
    },
    wake: wakeAll,
    async close() {
      wakeAll();
      const listening = client;
      client = undefined;
      await listening?.end().catch(() => undefined);
    },
  };
}
