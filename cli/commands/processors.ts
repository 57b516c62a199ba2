// Operations on stream processors' consumer groups.
import type { LedgerLog } from '../../log/port.ts';
import { readConfig } from '../../platform/config.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { ledgerTopics } from '../../platform/topics.ts';

export interface TakeOverResult {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly offset: number }[];
}

/**
 * Gives `group` the checkpoints `from` has, on every topic, where `group` has none: a processor
 * under a new group name starts where the old one stopped instead of deciding the whole log
 * again (e.g. QA and summaries leaving `streams.risk-qa` for `streams.qa-summary`). Its state for
 * calls in progress is rebuilt from the log up to there, outputs dropped, as after any restart.
 */
export async function takeOverCheckpoints(log: LedgerLog, topics: readonly string[], group: string, from: string): Promise<TakeOverResult[]> {
  if (group === from) throw new Error(`--from: '${from}' is the group itself; name the group whose checkpoints it takes over`);
  const results: TakeOverResult[] = [];
  for (const topic of topics) {
    const theirs = await log.groupOffsets(from, topic).catch(() => new Map<number, number>());
    if (theirs.size === 0) continue;
    const seeded = await log.seedGroupOffsets(group, topic, theirs);
    results.push({ topic, partitions: seeded.map((partition) => ({ partition, offset: theirs.get(partition) ?? 0 })) });
  }
  return results;
}

export async function takeOverCommand(group: string, options: { from: string }): Promise<void> {
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  try {
    const topics = ledgerTopics(ledger.config, ledger.codec.catalogue).map((spec) => spec.topic);
    const results = await takeOverCheckpoints(ledger.log, topics, group, options.from);
    if (results.length === 0) console.log(`${options.from} has no checkpoints: nothing to take over`);
    for (const { topic, partitions } of results) {
      if (partitions.length === 0) console.log(`${topic}\t${group} already has checkpoints: left as they are`);
      for (const { partition, offset } of partitions) console.log(`${topic}\t${partition}\t${offset}`);
    }
  } finally {
    await ledger.close();
  }
}
