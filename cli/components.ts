// The long-running parts `call-ledger run` starts, in order. Each processor, projection and
// server adds itself here with a start function that returns how to stop it.
import type { Ledger } from '../platform/open-ledger.ts';
import type { Logger } from '../platform/logger.ts';
import { apiComponent } from '../api/component.ts';
import { projectionsComponent } from '../projections/component.ts';
import { degradationComponent } from '../platform/degradation/component.ts';
import { qaSummaryProcessorComponent, riskProcessorComponent } from '../streams/risk/component.ts';
import { routingComponent } from '../streams/routing/component.ts';
import { outboundComponent } from '../streams/outbound/component.ts';
import { simulatorComponent } from '../producers/simulator/component.ts';
import { ConfigError } from '../platform/config.ts';

export interface RunningComponent {
  readonly name: string;
  stop(): Promise<void>;
}

export interface Component {
  readonly name: string;
  /**
   * The non-core feature the component serves (e.g. `qa`), or several: `call-ledger run` stops it
   * while the system mode sheds that feature (any one of them) and starts it again afterwards (it
   * resumes from its checkpoints). Absent: core, runs whatever the mode. Read models declare
   * theirs on ReadModel.
   */
  readonly sheddableFeature?: string | readonly string[];
  start(ledger: Ledger, logger: Logger): Promise<RunningComponent>;
}

// The simulator starts last so it stops first: its agents log out while routing still listens.
export const components: readonly Component[] = [projectionsComponent, routingComponent, outboundComponent, riskProcessorComponent, qaSummaryProcessorComponent, degradationComponent, apiComponent, simulatorComponent];

/** The components named by LEDGER_COMPONENTS, in start order; an unknown name is a configuration error. */
export function selectComponents(all: readonly Component[], wanted: readonly string[] | 'all'): Component[] {
  if (wanted === 'all') return [...all];
  const known = all.map((component) => component.name);
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new ConfigError(`LEDGER_COMPONENTS: unknown component ${unknown.map((n) => `'${n}'`).join(', ')} (known: ${known.join(', ')}, or all)`);
  return all.filter((component) => wanted.includes(component.name));
}
