// Released schemas are kept in the repository (schemas/released/<EventType>/<version>.avsc) so
// the compatibility check compares against every version that may be in a log somewhere.
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AvroSchemaObject, Catalogue } from '../catalogue.ts';
import { backwardProblems } from './backward.ts';

export const defaultReleasedDir = fileURLToPath(new URL('../released', import.meta.url));

export interface ReleasedVersion {
  readonly type: string;
  readonly version: number;
  readonly schema: AvroSchemaObject;
}

export function readReleased(dir: string = defaultReleasedDir): ReleasedVersion[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((type) =>
    readdirSync(join(dir, type))
      .filter((file) => file.endsWith('.avsc'))
      .map((file) => ({ type, version: Number(file.replace('.avsc', '')), schema: JSON.parse(readFileSync(join(dir, type, file), 'utf8')) as AvroSchemaObject }))
      .sort((a, b) => a.version - b.version),
  );
}

export interface CompatibilityFinding {
  readonly type: string;
  readonly version: number;
  readonly field: string;
  readonly rule: string;
}

/** BACKWARD_TRANSITIVE: the working schema must read every released version of its type. */
export function checkAgainstReleased(catalogue: Catalogue, released: readonly ReleasedVersion[]): CompatibilityFinding[] {
  const findings: CompatibilityFinding[] = [];
  for (const old of released) {
    if (!catalogue.has(old.type)) {
      findings.push({ type: old.type, version: old.version, field: '(event type)', rule: 'a released event type was removed: old events of this type could no longer be read' });
      continue;
    }
    for (const problem of backwardProblems(catalogue.get(old.type).schema, old.schema)) {
      findings.push({ type: old.type, version: old.version, ...problem });
    }
  }
  return findings;
}

/** Writes a new released version for every type whose working schema differs from its last release. */
export function release(catalogue: Catalogue, dir: string = defaultReleasedDir): string[] {
  const released = readReleased(dir);
  const written: string[] = [];
  for (const definition of catalogue.all) {
    const versions = released.filter((r) => r.type === definition.type);
    const last = versions.at(-1);
    if (last && JSON.stringify(last.schema) === JSON.stringify(definition.schema)) continue;
    const version = (last?.version ?? 0) + 1;
    mkdirSync(join(dir, definition.type), { recursive: true });
    const file = join(dir, definition.type, `${version}.avsc`);
    writeFileSync(file, `${JSON.stringify(definition.schema, null, 2)}\n`);
    written.push(file);
  }
  return written;
}
