// Adapter for a Confluent-compatible registry through @kafkajs/confluent-schema-registry
// (the only file that imports it). Subjects are created BACKWARD_TRANSITIVE.
import confluent from '@kafkajs/confluent-schema-registry';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { IncompatibleSchemaError, SchemaNotFoundError, type SchemaRegistry } from './schema-registry.ts';

const { SchemaRegistry: ConfluentClient } = confluent;

interface HttpError {
  readonly status?: number;
  readonly message?: string;
}

export class ConfluentSchemaRegistry implements SchemaRegistry {
  private readonly client: InstanceType<typeof ConfluentClient>;
  private readonly host: string;
  private readonly texts = new Map<number, string>();

  constructor(host: string) {
    this.host = host.replace(/\/$/, '');
    this.client = new ConfluentClient({ host: this.host, clientId: 'call-ledger' });
  }

  async register(subject: string, schema: string): Promise<number> {
    try {
      const { id } = await this.client.register(
        { type: SchemaType.AVRO, schema },
        { subject, compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE },
      );
      this.texts.set(id, schema);
      return id;
    } catch (error) {
      const status = (error as HttpError).status;
      if (status === 409) throw new IncompatibleSchemaError(`${subject}: the registry refused the schema as incompatible (BACKWARD_TRANSITIVE): ${(error as Error).message}`);
      throw error;
    }
  }

  async schemaText(id: number): Promise<string> {
    const known = this.texts.get(id);
    if (known !== undefined) return known;
    const response = await fetch(`${this.host}/schemas/ids/${id}`);
    if (response.status === 404) throw new SchemaNotFoundError(`schema id ${id} is not in the registry at ${this.host}`);
    if (!response.ok) throw new Error(`registry ${this.host}: GET /schemas/ids/${id} answered ${response.status}`);
    const body = (await response.json()) as { schema: string };
    this.texts.set(id, body.schema);
    return body.schema;
  }
}
