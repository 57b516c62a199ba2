// The topics the ledger creates: one per catalogue topic, plus the dead-letter topic, with
// partitions and replication from configuration.
import type { LedgerConfig } from './config.ts';
import type { TopicSpec } from '../log/port.ts';
import type { Catalogue } from '../schemas/catalogue.ts';
import { defaultDeadLetterTopic } from '../log/runtime/dead-letter.ts';

export function ledgerTopics(config: LedgerConfig, catalogue: Catalogue): TopicSpec[] {
  return [...catalogue.topics, defaultDeadLetterTopic].map((topic) => ({
    topic,
    partitions: config.topicPartitions,
    replicationFactor: config.topicReplication,
  }));
}
