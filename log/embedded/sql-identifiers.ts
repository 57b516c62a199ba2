// Schema names come from configuration and end up inside SQL text, so they are checked, not escaped.
const plainIdentifier = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteIdentifier(name: string): string {
  if (!plainIdentifier.test(name)) {
    throw new Error(`invalid PostgreSQL schema name '${name}': use lower-case letters, digits and underscores`);
  }
  return `"${name}"`;
}
