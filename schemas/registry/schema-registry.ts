// The schema registry port: ids for schemas, schemas for ids. Kafka deployments use a
// Confluent-compatible registry (Apicurio's ccompat API or Confluent's); the embedded log keeps
// its schemas in a PostgreSQL table. Both put the same id in the same 5-byte header.
export interface SchemaRegistry {
  /** Registers (or finds) the schema under the subject; the subject is BACKWARD_TRANSITIVE. */
  register(subject: string, schema: string): Promise<number>;
  /** The writer schema's JSON text for an id found in a message header. */
  schemaText(id: number): Promise<string>;
}

export class SchemaNotFoundError extends Error {
  override readonly name = 'SchemaNotFoundError';
  readonly retriable = false;
}

export class IncompatibleSchemaError extends Error {
  override readonly name = 'IncompatibleSchemaError';
  readonly retriable = false;
}
