// Small helpers for the log contract suite: fresh names, waiting for a condition, collecting.
import { randomBytes } from 'node:crypto';
import type { LedgerLog, LogRecord } from '../port.ts';

export function freshName(prefix: string): string {
  return `${prefix}.${randomBytes(5).toString('hex')}`;
}

/** Polls until `condition` holds. The deadline only turns a hang into a clear failure. */
export async function waitFor(what: string, condition: () => Promise<boolean> | boolean, deadlineMs = 90_000): Promise<void> {
  const giveUpAt = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function readAll(log: LedgerLog, topic: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const batch of log.readRange({ topic })) records.push(...batch);
  return records;
}

export async function endOffsets(log: LedgerLog, topic: string): Promise<Map<number, number>> {
  const description = await log.describeTopic(topic);
  return new Map(description.partitions.map((p) => [p.partition, p.high]));
}

/** True once the group's checkpoints reach the end of every partition of the topic. */
export async function caughtUp(log: LedgerLog, group: string, topic: string): Promise<boolean> {
  const [ends, committed] = await Promise.all([endOffsets(log, topic), log.groupOffsets(group, topic)]);
  for (const [partition, high] of ends) {
    if ((committed.get(partition) ?? 0) < high) return false;
  }
  return true;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
