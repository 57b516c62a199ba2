// Unit-tier stand-in for the schema registry port: ids per distinct schema text, as a registry
// assigns them. The real adapters (Apicurio ccompat, the PostgreSQL schema table) have int specs.
import type { SchemaRegistry } from '../../schemas/registry/schema-registry.ts';
import { SchemaNotFoundError } from '../../schemas/registry/schema-registry.ts';

export class InMemorySchemaRegistry implements SchemaRegistry {
  private readonly ids = new Map<string, number>();
  private readonly texts = new Map<number, string>();

  async register(_subject: string, schema: string): Promise<number> {
    let id = this.ids.get(schema);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(schema, id);
      this.texts.set(id, schema);
    }
    return id;
  }

  async schemaText(id: number): Promise<string> {
    const text = this.texts.get(id);
    if (text === undefined) throw new SchemaNotFoundError(`schema id ${id} unknown`);
    return text;
  }
}
