// Adapter for a Confluent-compatible registry through @kafkajs/confluent-schema-registry
// (the only file that imports it). Subjects are created BACKWARD_TRANSITIVE.
import confluent from '@kafkajs/confluent-schema-registry';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { IncompatibleSchemaError, SchemaNotFoundError, type SchemaRegistry } from './schema-registry.ts';

const { SchemaRegistry: ConfluentClient } = confluent;

const compatibilityRetries = 8;

function isCompatibilityMismatch(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConfluentSchemaRegistryCompatibilityError';
}

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
    for (let attempt = 1; ; attempt++) {
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
        // The client creates a subject first and sets its compatibility after: a second process
        // registering the same new subject in between sees the registry's default (NONE). That
        // window closes within milliseconds; a subject someone set to another level stays refused.
        if (!isCompatibilityMismatch(error)) throw error;
        if (attempt >= compatibilityRetries) {
          throw new Error(`${subject}: the registry's compatibility for this subject is not BACKWARD_TRANSITIVE (${(error as Error).message}); set it with PUT /config/${subject}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
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
