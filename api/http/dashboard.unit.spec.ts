import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ApiMetrics } from './metrics.ts';

describe('Grafana dashboard (infra/grafana/dashboards/call-ledger.json)', () => {
  describe('when its queries are read', () => {
    it('uses only metrics the API exports', async () => {
      const dashboard = JSON.parse(readFileSync(new URL('../../infra/grafana/dashboards/call-ledger.json', import.meta.url), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
      const exported = new Set((await new ApiMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
      const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/ledger_[a-z_]+/g) ?? [])).map((name) => name.replace(/_(bucket|sum|count)$/, ''));
      expect(used.length).to.be.greaterThan(10);
      for (const name of used) expect(exported.has(name), name).to.equal(true);
    });
  });
});
