// Runs against the real broker (127.0.0.1:9092, LEDGER_KAFKA_BROKERS) and registry, like projections-kafka.int.spec.ts.
import { defineDegradationFeatures } from '../testing/degradation-features.ts';

defineDegradationFeatures('kafka');
