// A processor over a sequenced per-site stream (routing, the outbound dialer): several sites may
// share a partition of the input topic, so the state is one decider state per site, the record
// key. The decider itself stays a pure function of one site's state.
import type { InputEvent, ProcessorDefinition, ProcessorOutput } from './processor.ts';

export interface SiteDecider<State, Input, Snapshot> {
  readonly name: string;
  readonly component: string;
  readonly version: string;
  readonly inputTopic: string;
  readonly inputTypes: readonly string[];
  readonly outputDelivery?: 'atomic' | 'at-least-once';
  initialState(): State;
  decide(input: Input, state: State): readonly ProcessorOutput[];
  toSnapshot(state: State): Snapshot;
  fromSnapshot(snapshot: Snapshot): State;
}

export type Sites<State> = Map<string, State>;

export function perSiteProcessor<State, Input, Snapshot>(decider: SiteDecider<State, Input, Snapshot>): ProcessorDefinition<Sites<State>, Input> {
  const accepted = new Set<string>(decider.inputTypes);
  return {
    name: decider.name,
    component: decider.component,
    version: decider.version,
    inputTopics: [decider.inputTopic],
    inputTypes: accepted,
    outputDelivery: decider.outputDelivery,
    accept: (event: InputEvent) => (accepted.has(event.type) ? (event as unknown as Input) : undefined),
    initialState: () => new Map(),
    decide: (input, sites, source) => {
      const site = source.key ?? '';
      let state = sites.get(site);
      if (!state) sites.set(site, (state = decider.initialState()));
      return decider.decide(input, state);
    },
    toSnapshot: (sites) => [...sites.entries()].map(([site, state]) => [site, decider.toSnapshot(state)]),
    fromSnapshot: (snapshot) => new Map((snapshot as [string, Snapshot][]).map(([site, state]) => [site, decider.fromSnapshot(state)])),
  };
}
