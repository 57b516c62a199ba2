// Cost of the call processors' snapshots (streams/risk/call-state-snapshot.ts): a
// partition with N calls in flight (the first half of each corpus script, calls interleaved),
// then toSnapshot + JSON + gzip (what PostgresSnapshotStore writes) and the way back. Also the
// decide path through the runtime definition, segments per second on one core.
// Run: npx node bench/risk-snapshot.bench.ts [calls in flight, default 1000]
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { callProcessorReplays } from '../streams/risk/call-processor.ts';
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
// Both call processors (risk; QA and summaries) decide every event and snapshot their own state;
// figures are the two together, as one partition's snapshots cost.
const processors = callProcessorReplays().map(({ definition }) => ({ definition, state: definition.initialState() }));
let best = Infinity;
for (let run = 0; run < 3; run++) {
  for (const p of processors) p.state = p.definition.initialState();
  const t = process.hrtime.bigint();
  for (const event of events) for (const p of processors) p.definition.decide(event, p.state, source);
  best = Math.min(best, ms(t));
}
const results: Record<string, number>[] = [];
for (let run = 0; run < 3; run++) {
  const total = { encodeMs: 0, gzipMs: 0, restoreMs: 0, jsonBytes: 0, gzipBytes: 0 };
  for (const { definition, state } of processors) {
    let t = process.hrtime.bigint();
    const json = JSON.stringify(definition.toSnapshot(state));
    total.encodeMs += ms(t);
    t = process.hrtime.bigint();
    const gz = gzipSync(json, { level: 1 });
    total.gzipMs += ms(t);
    t = process.hrtime.bigint();
    definition.fromSnapshot(JSON.parse(gunzipSync(gz).toString('utf8')));
    total.restoreMs += ms(t);
    total.jsonBytes += json.length;
    total.gzipBytes += gz.length;
  }
  results.push(total);
}
const bestOf = (key: string): number => Math.min(...results.map((r) => r[key]));
console.log(JSON.stringify({
  callsInFlight: inFlight, events: events.length, segments, segmentsPerSecondThroughDefinition: Math.round(segments / (best / 1000)),
  snapshot: { jsonKiB: Math.round(results[0].jsonBytes / 1024), gzipKiB: Math.round(results[0].gzipBytes / 1024), encodeMs: +bestOf('encodeMs').toFixed(1), gzipMs: +bestOf('gzipMs').toFixed(1), decodeAndRestoreMs: +bestOf('restoreMs').toFixed(1) },
}));
