// The log contract against a real Apache Kafka broker (scripts/kafka.sh up; CI sets
// LEDGER_TEST_KAFKA=1). Without the variable the suite is not defined and says so loudly.
import { defineLogContract } from '../contract/log-contract.ts';
import { KafkaLog } from './kafka-log.ts';
import { pinoSink } from './pino-sink.ts';
import { kafkaTestBrokers, kafkaTestsEnabled, reportKafkaTestsDisabled } from './kafka-test-env.ts';

if (kafkaTestsEnabled()) {
  describe('kafka log (Apache Kafka)', () => {
    defineLogContract('passes the log contract', {
      makeLog: () => KafkaLog.open({
        brokers: kafkaTestBrokers(),
        clientId: 'contract',
        defaultPartitions: 3,
        replicationFactor: 1,
        logger: pinoSink(process.env.LEDGER_LOG_LEVEL ?? 'warn'),
        connectDeadlineMs: 30_000,
        sessionTimeoutMs: 10_000,
      }),
      childEnv: () => ({ LEDGER_LOG: 'kafka', LEDGER_KAFKA_BROKERS: kafkaTestBrokers().join(','), LEDGER_LOG_LEVEL: 'warn' }),
    });
  });
} else {
  reportKafkaTestsDisabled('log/kafka/kafka-log.int.spec.ts (log contract on Kafka)');
}
