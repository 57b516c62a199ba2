// Maps a produce response back to each appended record: kafkajs sends the records of one
// partition in input order, so the n-th record of a partition sits at baseOffset + n.
import type { RecordMetadata } from 'kafkajs';
import type { AppendResult } from '../port.ts';

export function appendResults(
  placements: readonly { topic: string; partition: number }[],
  metadata: readonly RecordMetadata[],
): AppendResult[] {
  const base = new Map<string, number>();
  for (const entry of metadata) {
    if (entry.baseOffset === undefined) throw new Error(`no base offset for ${entry.topicName}/${entry.partition}`);
    base.set(`${entry.topicName}\u0000${entry.partition}`, Number(entry.baseOffset));
  }
  const next = new Map<string, number>();
  return placements.map(({ topic, partition }) => {
    const id = `${topic}\u0000${partition}`;
    const first = base.get(id);
    if (first === undefined) throw new Error(`the broker did not acknowledge ${topic}/${partition}`);
    const index = next.get(id) ?? 0;
    next.set(id, index + 1);
    return { topic, partition, offset: first + index };
  });
}
