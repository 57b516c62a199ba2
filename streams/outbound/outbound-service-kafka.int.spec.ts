// The outbound pipeline on the real broker and registry (LEDGER_TEST_KAFKA=1, see
// log/kafka/kafka-test-env.ts); without it the suite says it did not run.
import { kafkaTestsEnabled, reportKafkaTestsDisabled } from '../../log/kafka/kafka-test-env.ts';
import { defineOutboundPipelineSpecs } from './outbound-service.features.ts';

if (kafkaTestsEnabled()) defineOutboundPipelineSpecs('kafka');
else reportKafkaTestsDisabled('outbound pipeline on Kafka');
