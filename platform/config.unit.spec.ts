import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { configurationTable, readConfig, ConfigError } from './config.ts';
import { withConfigurationTable } from './configuration-table.ts';

describe('configuration', () => {
  it('is documented in the README, every variable of it', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(withConfigurationTable(readme) === readme, 'the README configuration table is stale: run `npm run docs:config`').to.equal(true);
    for (const entry of configurationTable) expect(readme).to.contain(`| \`${entry.name}\` |`);
  });

  it('refuses a bad value naming the variable and the rule', () => {
    expect(() => readConfig({ LEDGER_LOG: 'carrier-pigeon' })).to.throw(ConfigError, "LEDGER_LOG: must be 'embedded' or 'kafka'");
    expect(() => readConfig({ LEDGER_TOPIC_PARTITIONS: '0' })).to.throw(ConfigError, 'LEDGER_TOPIC_PARTITIONS: must be a positive integer');
    expect(() => readConfig({ LEDGER_COMPONENTS: 'projections,,api' })).to.throw(ConfigError, 'LEDGER_COMPONENTS: a comma-separated list of component names without empty entries');
  });

  it('runs every component unless LEDGER_COMPONENTS names some', () => {
    expect(readConfig({}).components).to.equal('all');
    expect(readConfig({ LEDGER_COMPONENTS: 'all' }).components).to.equal('all');
    expect(readConfig({ LEDGER_COMPONENTS: ' routing, risk ' }).components).to.deep.equal(['routing', 'risk']);
  });

  it('defaults to the embedded log', () => {
    expect(readConfig({}).log).to.equal('embedded');
  });
});
