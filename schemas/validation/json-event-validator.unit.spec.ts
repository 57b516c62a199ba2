import { expect } from 'chai';
import { loadCatalogue } from '../catalogue.ts';
import { JsonEventValidator } from './json-event-validator.ts';

const validator = new JsonEventValidator(loadCatalogue());

const valid = {
  type: 'InteractionStarted',
  metadata: {
    eventId: '6f1d2c3a-1b2c-4d5e-8f90-123456789abc', eventType: 'InteractionStarted', occurredAt: 1780000000000, recordedAt: 1780000000001,
    sourceSystem: 'new', interactionId: 'ix-1', correlationId: null, causationId: null, producer: { component: 'ivr', version: '1' }, dataSubject: null,
  },
  data: { interactionId: 'ix-1', channel: 'VOICE', direction: 'INBOUND', callerNumber: null, dialledNumber: null, site: 'shanghai', previousInteractionId: null },
};

describe('JSON event validator', () => {
  it('accepts an event that matches its Avro-derived schema', () => {
    expect(validator.validate(valid)).to.deep.equal({ valid: true });
  });

  describe('when an event is malformed', () => {
    it('names a missing field and the rule', () => {
      const { site: _site, ...data } = valid.data;
      expect(validator.validate({ ...valid, data })).to.deep.equal({ valid: false, errors: [{ field: 'data.site', rule: 'required', message: 'is required' }] });
    });
    it('names a wrong enum value with the allowed symbols', () => {
      const result = validator.validate({ ...valid, data: { ...valid.data, direction: 'SIDEWAYS' } });
      expect(result).to.deep.include({ valid: false });
      expect(!result.valid && result.errors[0]).to.deep.include({ field: 'data.direction', rule: 'enum' });
      expect(!result.valid && result.errors[0]?.message).to.match(/^must be one of INBOUND, OUTBOUND/);
    });
    it('names a field of the wrong type', () => {
      const result = validator.validate({ ...valid, metadata: { ...valid.metadata, occurredAt: 'yesterday' } });
      expect(!result.valid && result.errors.map((e) => `${e.field}:${e.rule}`)).to.deep.equal(['metadata.occurredAt:type']);
    });
    it('names a malformed event id', () => {
      const result = validator.validate({ ...valid, metadata: { ...valid.metadata, eventId: 'not-a-uuid' } });
      expect(!result.valid && result.errors[0]?.field).to.equal('metadata.eventId');
      expect(!result.valid && result.errors[0]?.rule).to.equal('format');
    });
    it('names a field the event type does not have', () => {
      const result = validator.validate({ ...valid, data: { ...valid.data, colour: 'red' } });
      expect(!result.valid && result.errors[0]).to.deep.equal({ field: 'data.colour', rule: 'additionalProperties', message: 'is not a field of this event type' });
    });
    it('names an unknown event type', () => {
      const result = validator.validate({ ...valid, type: 'CallTeleported' });
      expect(!result.valid && result.errors[0]).to.deep.equal({ field: 'type', rule: 'enum', message: "'CallTeleported' is not an event type of the catalogue" });
    });
    it('refuses something that is not an object', () => {
      expect(validator.validate([1, 2])).to.deep.equal({ valid: false, errors: [{ field: '(event)', rule: 'type', message: 'must be a JSON object' }] });
    });
  });
});
