// A read-process-write consumer run as its own process by the contract suite's crash test, so
// the test can kill a real process (SIGKILL) in the middle of a batch. It builds the adapter
// through openLog from the LEDGER_* environment and copies every input record to the output
// topic through the batch context (atomic with the checkpoint, or at-least-once).
//   LEDGER_CHILD_GROUP, LEDGER_CHILD_INPUT, LEDGER_CHILD_OUTPUT: what to consume and where to write
//   LEDGER_CHILD_BATCH_DELAY_MS: pause inside each batch, after staging (the window for the kill)
//   LEDGER_CHILD_SESSION_TIMEOUT_MS: how soon a killed member's partitions are taken over
//   LEDGER_CHILD_OUTPUT_DELIVERY: 'atomic' (default) or 'at-least-once'
// It prints `staged <partition> <first offset> <count>` for each batch before the pause.
import { readConfig } from '../../platform/config.ts';
import { openLog } from '../open-log.ts';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const group = required('LEDGER_CHILD_GROUP');
const input = required('LEDGER_CHILD_INPUT');
const output = required('LEDGER_CHILD_OUTPUT');
const batchDelayMs = Number(env.LEDGER_CHILD_BATCH_DELAY_MS ?? '0');
const outputDelivery = env.LEDGER_CHILD_OUTPUT_DELIVERY === 'at-least-once' ? 'at-least-once' : 'atomic';
const sessionTimeoutMs = env.LEDGER_CHILD_SESSION_TIMEOUT_MS ? Number(env.LEDGER_CHILD_SESSION_TIMEOUT_MS) : undefined;

// Kafka refuses session timeouts below the broker's group.min.session.timeout.ms (6 s by default).
const kafkaSessionTimeoutMs = sessionTimeoutMs === undefined ? undefined : Math.max(sessionTimeoutMs, 6_000);
const log = await openLog(readConfig(env), { embedded: { sessionTimeoutMs }, kafka: { sessionTimeoutMs: kafkaSessionTimeoutMs } });
const subscription = await log.subscribe({
  group,
  topics: [input],
  maxBatchSize: 50,
  outputDelivery,
  handler: async (batch, context) => {
    context.append(
      batch.records.map((record) => ({
        topic: output,
        key: record.key,
        value: record.value,
        headers: { ...record.headers, source_partition: String(record.partition), source_offset: String(record.offset) },
      })),
    );
    process.stdout.write(`staged ${batch.partition} ${batch.records[0].offset} ${batch.records.length}\n`);
    if (batchDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, batchDelayMs));
  },
});

process.once('SIGTERM', () => {
  void subscription.stop().then(() => log.close()).then(() => process.exit(0));
});
process.stdout.write('ready\n');
subscription.done.catch(async (error: unknown) => {
  process.stderr.write(`consumer failed: ${String(error)}\n`);
  await log.close().catch(() => undefined);
  process.exit(1);
});
