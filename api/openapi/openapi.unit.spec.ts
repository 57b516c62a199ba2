import { expect } from 'chai';
import type { LedgerLog } from '../../log/port.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import { InMemorySchemaRegistry } from '../../test/support/in-memory-schema-registry.ts';
import { createApp } from '../app.ts';
import { tokenKeys } from '../http/auth.ts';
import { ApiMetrics } from '../http/metrics.ts';
import { InMemoryAcceptedIds } from '../ingest/accepted-ids.ts';
import { openApiDocument } from './openapi.ts';
import { JsonEventValidator } from '../../schemas/validation/json-event-validator.ts';

interface Layer {
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly Layer[] };
}

function routesOf(stack: readonly Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m} ${layer.route?.path.replace(/:(\w+)/g, '{$1}')}`);
    return layer.handle?.stack ? routesOf(layer.handle.stack) : [];
  });
}

describe('OpenAPI document', () => {
  const codec = new EventCodec({ catalogue: catalogue(), registry: new InMemorySchemaRegistry() });
  const { app } = createApp({
    now: () => 0, log: {} as LedgerLog, codec, personalData: {} as PersonalDataProtector, acceptedIds: new InMemoryAcceptedIds(),
    tokenKeys: tokenKeys('x'.repeat(32), 'call-ledger'), metrics: new ApiMetrics(), hub: { listen: () => () => undefined, stop: async () => undefined },
  });
  const document = openApiDocument(new JsonEventValidator(codec.catalogue), codec.catalogue) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  const described = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));

  describe('when the app is built', () => {
    it('describes every registered express route, and nothing that is not one', () => {
      const registered = routesOf((app as unknown as { router: { stack: Layer[] } }).router.stack);
      expect(registered.length).to.be.greaterThan(25);
      expect([...new Set(registered)].sort()).to.deep.equal([...described].sort());
    });
    it('is OpenAPI 3.1 with the problem schema and an ingest schema per event type', () => {
      expect(document.openapi).to.equal('3.1.0');
      const schemas = (document as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas;
      expect(schemas).to.include.keys('Problem', 'IngestEvent', 'Event_InteractionStarted', 'Event_WrapUpCompleted');
    });
  });
});
