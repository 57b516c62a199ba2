// Consumer lag per group: records between each group's checkpoints and the end of the topics it
// reads, summed over topics and partitions (a group that never read a topic does not count it).
import type { LedgerLog } from '../../log/port.ts';
import type { GroupLag } from './degradation.decider.ts';

export async function readGroupLag(log: LedgerLog, topics: readonly string[], groups: readonly string[]): Promise<GroupLag[]> {
  const lag = new Map<string, number>(groups.map((group) => [group, 0]));
  for (const topic of topics) {
    const description = await log.describeTopic(topic);
    for (const group of groups) {
      const offsets = await log.groupOffsets(group, topic);
      if (offsets.size === 0) continue;
      let behind = 0;
      for (const p of description.partitions) behind += Math.max(0, p.high - Math.max(offsets.get(p.partition) ?? p.low, p.low));
      lag.set(group, (lag.get(group) ?? 0) + behind);
    }
  }
  return [...lag].map(([group, records]) => ({ group, lag: records }));
}
