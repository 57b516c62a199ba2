// A live projection process for the kill and scale-out tests: runs startProjections on the test ledger named
// by the environment and prints `batch <topic> <partition> <first offset> <count>` after each batch.
//   PROJ_CHILD_KIND (embedded|kafka), PROJ_CHILD_LOG_SCHEMA, PROJ_CHILD_PREFIX, PROJ_CHILD_TOPIC_SUFFIX, PROJ_CHILD_GROUP
import { openTestLedger, type LogKind } from './int-support.ts';
import { startProjections } from '../runtime/live.ts';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const ledger = await openTestLedger({ kind: required('PROJ_CHILD_KIND') as LogKind, logSchema: required('PROJ_CHILD_LOG_SCHEMA'), prefix: required('PROJ_CHILD_PREFIX'), topicSuffix: required('PROJ_CHILD_TOPIC_SUFFIX') });
const live = await startProjections({
  knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, group: required('PROJ_CHILD_GROUP'), maxBatchSize: 100,
  onBatch: (batch) => process.stdout.write(`batch ${batch.topic} ${batch.partition} ${batch.records[0]?.offset} ${batch.records.length}\n`),
});
process.stdout.write('live\n');
process.on('SIGTERM', () => {
  live.stop().then(() => ledger.close()).then(() => process.exit(0), () => process.exit(1));
});
await live.done;
