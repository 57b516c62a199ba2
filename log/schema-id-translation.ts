// Moving a log between registries (embedded schema table ⇄ a Confluent-compatible registry):
// each value's 5-byte header names a schema id of the SOURCE registry. The translator registers
// that schema in the TARGET registry under the same subject (topic-record strategy) and rewrites
// the 4 id bytes; the Avro body is copied byte for byte. Values not in the wire format (e.g. a
// dead letter's undecodable bytes) are copied unchanged.
import type { SchemaRegistry } from '../schemas/registry/schema-registry.ts';
import { HEADER_LENGTH, MAGIC_BYTE } from '../schemas/codec/wire-format.ts';

export class SchemaIdTranslator {
  private readonly source: SchemaRegistry;
  private readonly target: SchemaRegistry;
  private readonly ids = new Map<string, number>();

  constructor(source: SchemaRegistry, target: SchemaRegistry) {
    this.source = source;
    this.target = target;
  }

  /** How many distinct (topic, schema) pairs were registered in the target. */
  get translated(): number {
    return this.ids.size;
  }

  async translate(topic: string, value: Buffer): Promise<Buffer> {
    if (value.length < HEADER_LENGTH || value[0] !== MAGIC_BYTE) return value;
    const sourceId = value.readInt32BE(1);
    const cacheKey = `${topic}\u0000${sourceId}`;
    let targetId = this.ids.get(cacheKey);
    if (targetId === undefined) {
      const text = await this.source.schemaText(sourceId);
      const { name, namespace } = JSON.parse(text) as { name?: string; namespace?: string };
      const fullName = name?.includes('.') || !namespace ? name : `${namespace}.${name}`;
      targetId = await this.target.register(`${topic}-${fullName}`, text);
      this.ids.set(cacheKey, targetId);
    }
    if (targetId === sourceId) return value;
    const rewritten = Buffer.from(value);
    rewritten.writeInt32BE(targetId, 1);
    return rewritten;
  }
}
