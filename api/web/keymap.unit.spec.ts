import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultKeymap, KeymapError, loadKeymap, parseKeymap } from './keymap.ts';

function refusal(document: unknown): KeymapError {
  try {
    parseKeymap(document);
  } catch (error) {
    if (error instanceof KeymapError) return error;
    throw error;
  }
  throw new Error('the keymap was accepted');
}

describe('workstation keymap', () => {
  describe('when no file is configured', () => {
    it('binds the bank defaults: F1 ready, F2 not ready, F5 answer, F8 hold, F9 transfer', () => {
      expect(loadKeymap(undefined).bindings.map((b) => `${b.key}=${b.action}`)).to.deep.equal(['F1=ready', 'F2=not-ready', 'F5=answer', 'F8=hold', 'F9=transfer']);
    });
  });

  describe('when a file is configured', () => {
    it('uses its bindings instead', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'keymap-')), 'keymap.json');
      writeFileSync(file, JSON.stringify({ bindings: [{ key: 'Ctrl+F3', action: 'not-ready', reasonCode: 'lunch' }, { key: 'F12', action: 'hangup' }] }));
      expect(loadKeymap(file)).to.deep.equal({ bindings: [{ key: 'Ctrl+F3', action: 'not-ready', reasonCode: 'lunch' }, { key: 'F12', action: 'hangup' }] });
    });
    it('refuses a file that is not JSON, naming the file', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'keymap-')), 'keymap.json');
      writeFileSync(file, '{ bindings: ');
      expect(() => loadKeymap(file)).to.throw(KeymapError, file);
    });
  });

  describe('when a binding is wrong', () => {
    it('names the field and the rule of an unknown action', () => {
      expect(refusal({ bindings: [{ key: 'F1', action: 'ready' }, { key: 'F3', action: 'teleport' }] })).to.include({ field: 'bindings.1.action', rule: 'enum' });
    });
    it('names a key that is not a key', () => {
      expect(refusal({ bindings: [{ key: 'F13', action: 'ready' }] })).to.include({ field: 'bindings.0.key', rule: 'pattern' });
    });
    it('names a key bound twice', () => {
      expect(refusal({ bindings: [{ key: 'F1', action: 'ready' }, { key: 'F1', action: 'answer' }] })).to.include({ field: 'bindings.1.key', rule: 'uniqueItems' });
    });
    it('requires the reason code of not-ready', () => {
      expect(refusal({ bindings: [{ key: 'F2', action: 'not-ready' }] })).to.include({ field: 'bindings.0.reasonCode', rule: 'required' });
    });
    it('refuses fields a keymap does not have', () => {
      expect(refusal({ bindings: [], colours: {} })).to.include({ field: 'colours', rule: 'additionalProperties' });
      expect(refusal({ bindings: [{ key: 'F1', action: 'ready', shift: true }] })).to.include({ field: 'bindings.0.shift', rule: 'additionalProperties' });
    });
  });

  it('accepts its own defaults', () => {
    expect(parseKeymap(JSON.parse(JSON.stringify(defaultKeymap)))).to.deep.equal(defaultKeymap);
  });
});
