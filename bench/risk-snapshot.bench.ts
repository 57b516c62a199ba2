// Cost of the risk/QA/summary processor's snapshots (streams/risk/call-state-snapshot.ts): a
// partition with N calls in flight (the first half of each corpus script, calls interleaved),
// then toSnapshot + JSON + gzip (what PostgresSnapshotStore writes) and the way back. Also the
// decide path through the runtime definition, segments per second on one core.
// Run: npx node bench/risk-snapshot.bench.ts [calls in flight, default 1000]
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { callProcessorDefinition, defaultReactors, sharedPolicies } from '../streams/risk/call-processor.ts';
import { loadCorpus } from '../test/corpus/evaluate.ts';
import { eventsOfScript } from '../test/support/call-builder.ts';

const inFlight = Number(process.argv[2] ?? '1000');
const corpus = loadCorpus();
const calls: AnyLedgerEvent[][] = [];
for (let i = 0; i < inFlight; i++) {
  const c = corpus[i % corpus.length];
  const events = eventsOfScript({ interactionId: `snap-${i}`, language: c.language }, c.script);
  calls.push(events.slice(0, Math.max(1, Math.floor(events.length / 2))));
}
const events: AnyLedgerEvent[] = [];
const longest = Math.max(...calls.map((c) => c.length));
for (let k = 0; k < longest; k++) for (const c of calls) if (k < c.length) events.push(c[k]);
const segments = events.filter((e) => e.type === 'TranscriptSegmentRecognized').length;
const source = { topic: 'ledger.interactions', partition: 0, offset: 0, key: null, timestamp: 0 };

const ms = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;
const reactors = defaultReactors();
const definition = callProcessorDefinition(reactors, sharedPolicies(reactors));
let best = Infinity;
let state = definition.initialState();
for (let run = 0; run < 3; run++) {
  state = definition.initialState();
  const t = process.hrtime.bigint();
  for (const event of events) definition.decide(event, state, source);
  best = Math.min(best, ms(t));
}
const results: Record<string, number>[] = [];
for (let run = 0; run < 3; run++) {
  let t = process.hrtime.bigint();
  const json = JSON.stringify(definition.toSnapshot(state));
  const encodeMs = ms(t);
  t = process.hrtime.bigint();
  const gz = gzipSync(json, { level: 1 });
  const gzipMs = ms(t);
  t = process.hrtime.bigint();
  definition.fromSnapshot(JSON.parse(gunzipSync(gz).toString('utf8')));
  const restoreMs = ms(t);
  results.push({ encodeMs, gzipMs, restoreMs, jsonBytes: json.length, gzipBytes: gz.length });
}
const bestOf = (key: string): number => Math.min(...results.map((r) => r[key]));
console.log(JSON.stringify({
  callsInFlight: inFlight, events: events.length, segments, segmentsPerSecondThroughDefinition: Math.round(segments / (best / 1000)),
  snapshot: { jsonKiB: Math.round(results[0].jsonBytes / 1024), gzipKiB: Math.round(results[0].gzipBytes / 1024), encodeMs: +bestOf('encodeMs').toFixed(1), gzipMs: +bestOf('gzipMs').toFixed(1), decodeAndRestoreMs: +bestOf('restoreMs').toFixed(1) },
}));
