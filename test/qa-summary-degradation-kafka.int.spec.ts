// Runs against the real broker (127.0.0.1:9092, LEDGER_KAFKA_BROKERS) and registry, like projections-kafka.int.spec.ts.
import { defineQaSummaryDegradation } from './qa-summary-degradation.features.ts';

defineQaSummaryDegradation('kafka');
