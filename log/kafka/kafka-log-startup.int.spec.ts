// Broker unavailable at start: KafkaLog.open says so clearly and retries with backoff instead
// of crashing. Uses a loopback port where nothing listens, so it needs no broker.
import { expect } from 'chai';
import { createServer } from 'node:net';
import { KafkaLog } from './kafka-log.ts';
import type { LogSink } from './log-sink.ts';

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function recordingSink(): LogSink & { warnings: { fields: Record<string, unknown>; message: string }[] } {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const ignore = (): void => undefined;
  return { warnings, debug: ignore, info: ignore, error: ignore, warn: (fields, message) => warnings.push({ fields: fields as Record<string, unknown>, message }) };
}

describe('kafka log › when no broker is reachable at start', () => {
  it('logs each failed attempt with a growing delay, then gives up with a clear error at its deadline', async () => {
    const port = await unusedPort();
    const logger = recordingSink();
    const opening = KafkaLog.open({
      brokers: [`127.0.0.1:${port}`], clientId: 'startup-test', defaultPartitions: 1, replicationFactor: 1,
      logger, connectDeadlineMs: 4_000,
    });
    const error = await opening.then(() => undefined, (e: unknown) => e as Error);
    expect(error, 'open must fail').to.be.instanceOf(Error);
    expect(error?.message).to.contain(`Kafka at 127.0.0.1:${port}: unavailable after`);
    const retries = logger.warnings.filter((w) => w.message.endsWith('unavailable, retrying'));
    expect(retries.length).to.be.greaterThan(1);
    const delays = retries.map((w) => Number(w.fields.retryInMs));
    expect(delays[1]).to.be.greaterThan(delays[0]);
  });
});
