// npm run bench:codec — encode and decode rates (events/s, one core) for a typical event mix,
// through the real codec path (validation + personal-field encryption on encode; wire header,
// schema lookup and Avro decode on decode). Prints one JSON line per figure.
import { loadCatalogue } from '../schemas/catalogue.ts';
import { EventCodec, type EncodableEvent } from '../schemas/codec/event-codec.ts';
import { InMemoryDataKeyStore } from '../schemas/pii/data-key-store.ts';
import { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import { sampleEvent } from '../schemas/fixtures/samples.ts';
import { InMemorySchemaRegistry } from '../test/support/in-memory-schema-registry.ts';

// A call's typical mix: transcript segments dominate, then IVR, queue and agent events.
const mix: Record<string, number> = {
  TranscriptSegmentRecognized: 40, IvrNodeEntered: 8, IvrInputReceived: 6, EmotionDetected: 6, QueueEntered: 4, RoutingDecided: 4,
  InteractionOffered: 4, InteractionAnswered: 4, InteractionStarted: 4, InteractionEnded: 4, AgentStateChanged: 8, WrapUpCompleted: 4, RiskAlertRaised: 2, QaFindingRecorded: 2,
};

function measure(label: string, count: number, body: (i: number) => void): number {
  for (let i = 0; i < Math.min(count, 20_000); i += 1) body(i); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) body(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = Math.round(count / seconds);
  console.log(JSON.stringify({ bench: 'codec', figure: label, events: count, seconds: Number(seconds.toFixed(3)), eventsPerSecond: rate }));
  return rate;
}

const catalogue = loadCatalogue();
const codec = new EventCodec({ catalogue, registry: new InMemorySchemaRegistry(), personalData: new PersonalDataProtector(new InMemoryDataKeyStore()) });
const events: EncodableEvent[] = Object.entries(mix).flatMap(([type, weight]) => Array.from({ length: weight }, () => sampleEvent(type)));
const encoded: Buffer[] = [];
for (const event of events) encoded.push(await codec.encode(event));
const count = Number(process.env.BENCH_EVENTS ?? 400_000);

// Encode is async (data keys may need I/O); measure it in the same loop shape the producers use.
{
  for (let i = 0; i < 20_000; i += 1) await codec.encode(events[i % events.length]!);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await codec.encode(events[i % events.length]!);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ bench: 'codec', figure: 'encode (validate + encrypt personal fields + Avro + wire format)', events: count, seconds: Number(seconds.toFixed(3)), eventsPerSecond: Math.round(count / seconds) }));
}
measure('decode (wire format + schema lookup + Avro)', count, (i) => codec.decodeKnown(encoded[i % encoded.length]!));
// The raw limit on the same machine: avsc decoding the same bodies with no header or lookup.
const bodies = encoded.map((bytes) => ({ type: catalogue.get(codec.decodeKnown(bytes).type).avroType, body: bytes.subarray(5) }));
measure('raw avsc decode of the same bodies (limit)', count, (i) => {
  const { type, body } = bodies[i % bodies.length]!;
  type.fromBuffer(body);
});
console.log(JSON.stringify({ bench: 'codec', mix, distinctEvents: events.length, node: process.version, date: new Date().toISOString() }));
