// Scenario names a user may give instead of a path: the scenarios shipped in ./scenarios.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenario, type Scenario } from './scenario.ts';

export const shippedScenarios: Readonly<Record<string, URL>> = {
  'bank-day': new URL('./scenarios/bank-day.json', import.meta.url),
  'gentle-demo': new URL('./scenarios/gentle-demo.json', import.meta.url),
};

/** A shipped scenario by name, or a scenario file by path. */
export function resolveScenario(nameOrPath: string): Scenario {
  const shipped = shippedScenarios[nameOrPath];
  if (shipped) return loadScenario(fileURLToPath(shipped));
  if (!existsSync(nameOrPath)) throw new Error(`scenario: '${nameOrPath}' is neither a shipped scenario (${Object.keys(shippedScenarios).join(', ')}) nor a file`);
  return loadScenario(nameOrPath);
}
