// Whether the Kafka int specs run: only against a real broker, which CI starts and announces
// with LEDGER_TEST_KAFKA=1. Locally: `make kafka-up`, then LEDGER_TEST_KAFKA=1 npm test.
export function kafkaTestsEnabled(): boolean {
  return process.env.LEDGER_TEST_KAFKA === '1';
}

export function kafkaTestBrokers(): string[] {
  return (process.env.LEDGER_KAFKA_BROKERS || '127.0.0.1:9092').split(',');
}

export function reportKafkaTestsDisabled(what: string): void {
  process.stderr.write(`\n*** NOT RUN: ${what}. Set LEDGER_TEST_KAFKA=1 with a broker up (make kafka-up). ***\n\n`);
}
