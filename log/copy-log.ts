// Copies topics from one LedgerLog to another byte for byte: key, headers, value, timestamp and
// partition are kept, partitions are copied in offset order. Into an empty target topic the
// offsets come out the same too (both adapters number a partition from 0 without gaps, for
// non-transactional appends). Used to move a ledger between the embedded log and Kafka.
import type { AppendRecord, LedgerLog } from './port.ts';

export interface CopyLogOptions {
  readonly source: LedgerLog;
  readonly target: LedgerLog;
  readonly topics: readonly string[];
  /** Records per read and per append. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: { topic: string; partition: number; copied: number }) => void;
  /** Rewrites a value on the way (e.g. SchemaIdTranslator when the two logs use different registries). */
  readonly mapValue?: (topic: string, value: Buffer) => Promise<Buffer>;
}

export interface CopiedTopic {
  readonly topic: string;
  readonly partitions: number;
  readonly records: number;
}

export class CopyLogError extends Error {
  override readonly name = 'CopyLogError';
}

export async function copyLog(options: CopyLogOptions): Promise<CopiedTopic[]> {
  const batchSize = options.batchSize ?? 5000;
  const copied: CopiedTopic[] = [];
  for (const topic of options.topics) {
    const description = await options.source.describeTopic(topic);
    const partitions = description.partitions.length;
    await options.target.createTopics([{ topic, partitions }]);
    const targetPartitions = (await options.target.describeTopic(topic)).partitions.length;
    if (targetPartitions !== partitions) {
      throw new CopyLogError(`topic '${topic}': the target has ${targetPartitions} partitions, the source ${partitions}; partitions would not be kept`);
    }
    let records = 0;
    for (const { partition } of description.partitions) {
      let copiedInPartition = 0;
      for await (const batch of options.source.readRange({ topic, partitions: [partition], batchSize })) {
        const mapValue = options.mapValue;
        const values = mapValue ? await Promise.all(batch.map((record) => mapValue(topic, record.value))) : batch.map((record) => record.value);
        const appends: AppendRecord[] = batch.map((record, index) => ({
          topic,
          partition: record.partition,
          key: record.key,
          value: values[index]!,
          headers: record.headers,
          timestamp: record.timestamp,
        }));
        await options.target.append(appends);
        copiedInPartition += batch.length;
        options.onProgress?.({ topic, partition, copied: copiedInPartition });
      }
      records += copiedInPartition;
    }
    copied.push({ topic, partitions, records });
  }
  return copied;
}
