// Runs against the real broker (127.0.0.1:9092, LEDGER_KAFKA_BROKERS) and registry: CI starts
// them (infra/kafka, infra/registry). When they are not reachable the suite fails, loudly.
import { defineProjectionFeatures } from '../testing/projection-features.ts';

defineProjectionFeatures('kafka');
