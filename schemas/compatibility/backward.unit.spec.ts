import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { AvroSchemaObject } from '../catalogue.ts';
import { defaultSchemaDir, loadCatalogue } from '../catalogue.ts';
import { backwardProblems } from './backward.ts';
import { checkAgainstReleased, release, readReleased } from './released-schemas.ts';

function event(dataFields: unknown[], extra: Record<string, unknown> = {}): AvroSchemaObject {
  return {
    type: 'record',
    name: 'CardLost',
    namespace: 'ledger.interaction',
    fields: [
      { name: 'metadata', type: { type: 'record', name: 'Envelope', namespace: 'ledger', fields: [{ name: 'eventId', type: 'string' }] } },
      { name: 'data', type: { type: 'record', name: 'CardLostData', fields: dataFields } },
    ],
    ...extra,
  } as AvroSchemaObject;
}

const base = event([
  { name: 'cardLast4', type: 'string' },
  { name: 'channel', type: { type: 'enum', name: 'LossChannel', symbols: ['PHONE', 'APP'] } },
  { name: 'count', type: 'int' },
  { name: 'note', type: ['null', 'string'], default: null },
]);

describe('backward compatibility check', () => {
  describe('when a field is added', () => {
    it('refuses it without a default, naming the field and the rule', () => {
      const next = event([...(base.fields?.[1]?.type as AvroSchemaObject).fields ?? [], { name: 'lostAt', type: 'long' }]);
      expect(backwardProblems(next, base)).to.deep.equal([{ field: 'data.lostAt', rule: 'field added without a default: events written before it cannot be read' }]);
    });
    it('accepts it with a default', () => {
      const next = event([...(base.fields?.[1]?.type as AvroSchemaObject).fields ?? [], { name: 'lostAt', type: ['null', 'long'], default: null }]);
      expect(backwardProblems(next, base)).to.deep.equal([]);
    });
  });

  describe('when a type changes', () => {
    it('accepts an Avro promotion (int to long)', () => {
      const next = event([{ name: 'cardLast4', type: 'string' }, { name: 'channel', type: { type: 'enum', name: 'LossChannel', symbols: ['PHONE', 'APP'] } }, { name: 'count', type: 'long' }, { name: 'note', type: ['null', 'string'], default: null }]);
      expect(backwardProblems(next, base)).to.deep.equal([]);
    });
    it('refuses string to int', () => {
      const next = event([{ name: 'cardLast4', type: 'int' }, { name: 'channel', type: { type: 'enum', name: 'LossChannel', symbols: ['PHONE', 'APP'] } }, { name: 'count', type: 'int' }, { name: 'note', type: ['null', 'string'], default: null }]);
      expect(backwardProblems(next, base)).to.deep.equal([{ field: 'data.cardLast4', rule: 'type changed from string to int, which Avro cannot promote' }]);
    });
    it('refuses a nullable field made required when old events hold null', () => {
      const next = event([{ name: 'cardLast4', type: 'string' }, { name: 'channel', type: { type: 'enum', name: 'LossChannel', symbols: ['PHONE', 'APP'] } }, { name: 'count', type: 'int' }, { name: 'note', type: 'string' }]);
      expect(backwardProblems(next, base)).to.deep.equal([{ field: 'data.note', rule: 'type changed from null to string, which Avro cannot promote' }]);
    });
  });

  describe('when an enum symbol is removed', () => {
    it('refuses it unless the enum has a default', () => {
      const without = event([{ name: 'cardLast4', type: 'string' }, { name: 'channel', type: { type: 'enum', name: 'LossChannel', symbols: ['PHONE'] } }, { name: 'count', type: 'int' }, { name: 'note', type: ['null', 'string'], default: null }]);
      expect(backwardProblems(without, base)).to.deep.equal([{ field: 'data.channel', rule: 'enum symbol APP removed and the enum has no default' }]);
      const withDefault = event([{ name: 'cardLast4', type: 'string' }, { name: 'channel', type: { type: 'enum', name: 'LossChannel', symbols: ['PHONE', 'OTHER'], default: 'OTHER' } }, { name: 'count', type: 'int' }, { name: 'note', type: ['null', 'string'], default: null }]);
      expect(backwardProblems(withDefault, base)).to.deep.equal([]);
    });
  });

  describe('the released catalogue', () => {
    it('is read by the working schemas (BACKWARD_TRANSITIVE)', () => {
      expect(checkAgainstReleased(loadCatalogue(), readReleased())).to.deep.equal([]);
    });
  });

  describe('npm run schemas:check', function () {
    // Runs the check as a child process; a loaded CI machine needs more than mocha's 2 s default.
    this.timeout(30_000);
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'schemas-check-'));
      cpSync(defaultSchemaDir, join(dir, 'avro'), { recursive: true });
      release(loadCatalogue(join(dir, 'avro')), join(dir, 'released'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function runCheck() {
      return spawnSync(process.execPath, ['schemas/tools/check-compatibility.ts', '--schemas', join(dir, 'avro'), '--released', join(dir, 'released')], { encoding: 'utf8' });
    }

    it('passes when nothing changed', () => {
      expect(runCheck().status).to.equal(0);
    });

    it('fails on a new field without a default, naming the type, field and rule', () => {
      const file = join(dir, 'avro', 'interaction', 'InteractionStarted.avsc');
      const schema = JSON.parse(readFileSync(file, 'utf8'));
      schema.fields[1].type.fields.push({ name: 'queueHint', type: 'string' });
      writeFileSync(file, JSON.stringify(schema));
      const result = runCheck();
      expect(result.status).to.equal(1);
      expect(result.stderr).to.contain('InteractionStarted (released v1): data.queueHint: field added without a default');
    });
  });
});
