// On the real broker and registry (LEDGER_TEST_KAFKA=1, see log/kafka/kafka-test-env.ts); without
// them the suite says it did not run.
import { kafkaTestsEnabled, reportKafkaTestsDisabled } from '../log/kafka/kafka-test-env.ts';
import { defineAuditVerifySpecs } from './audit-verify.features.ts';

if (kafkaTestsEnabled()) defineAuditVerifySpecs('kafka');
else reportKafkaTestsDisabled('audit trail verification on Kafka');
