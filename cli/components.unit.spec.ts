import { expect } from 'chai';
import { ConfigError } from '../platform/config.ts';
import { components, selectComponents, type Component } from './components.ts';

const named = (name: string): Component => ({ name, start: async () => ({ name, stop: async () => undefined }) });
const all = ['projections', 'routing', 'risk', 'api'].map(named);

describe('components of `call-ledger run` (LEDGER_COMPONENTS)', () => {
  it('keeps the start order whatever the order of the names', () => {
    expect(selectComponents(all, ['api', 'projections']).map((c) => c.name)).to.deep.equal(['projections', 'api']);
    expect(selectComponents(all, 'all')).to.deep.equal(all);
  });

  it('refuses a name that is not a component, naming the known ones', () => {
    expect(() => selectComponents(all, ['routing', 'routng'])).to.throw(ConfigError, "LEDGER_COMPONENTS: unknown component 'routng' (known: projections, routing, risk, api, or all)");
  });

  it('names every component of the product as the configuration table lists them', () => {
    expect(components.map((c) => c.name)).to.deep.equal(['projections', 'routing', 'outbound', 'risk', 'qa-summary', 'degradation', 'api', 'simulator']);
  });
});
