// Low-latency wake-up for idle consumers: one LISTEN connection per log. Every wait also has a
// timeout, so a lost notification or a broken LISTEN connection only costs latency (polling);
// a broken connection is re-established in the background.
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

const reconnectDelayMs = 1000;

export async function startAppendNotifier(connectionConfig: pg.ClientConfig, channel: string): Promise<AppendNotifier> {
  let counter = 0;
  let closed = false;
  let client: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const waiters = new Set<() => void>();
  const wakeAll = (): void => {
    for (const waiter of [...waiters]) waiter();
  };

  const scheduleReconnect = (): void => {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void listen();
    }, reconnectDelayMs);
    reconnectTimer.unref();
  };

  async function listen(): Promise<void> {
    const candidate = new pg.Client(connectionConfig);
    candidate.on('notification', () => {
      counter++;
      wakeAll();
    });
    candidate.on('error', () => {
      if (client === candidate) client = undefined;
      void candidate.end().catch(() => undefined);
      scheduleReconnect();
    });
    try {
      await candidate.connect();
      await candidate.query(`listen "${channel.replaceAll('"', '""')}"`);
      if (closed) {
        await candidate.end();
        return;
      }
      client = candidate;
      // Appends made while no one listened were missed: let every waiter look once.
      counter++;
      wakeAll();
    } catch {
      await candidate.end().catch(() => undefined);
      scheduleReconnect();
    }
  }

  await listen();
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
      closed = true;
      clearTimeout(reconnectTimer);
      wakeAll();
      const listening = client;
      client = undefined;
      await listening?.end().catch(() => undefined);
    },
  };
}
