// The producer every append goes through (the log's own, and each at-least-once subscription's).
import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/** The append producer: idempotent, acks=all (set per send), partitions chosen by TopicPartitions (same murmur2). */
export function appendProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Naming the partitioner only silences kafkajs' v2 migration warning; TopicPartitions places records.
    createPartitioner: Partitioners.DefaultPartitioner,
    // A broker restart takes seconds: keep retrying for about a minute before rejecting.
    retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 15 },
  });
}
