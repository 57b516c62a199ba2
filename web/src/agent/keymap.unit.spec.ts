import { expect } from 'chai';
import { bindingFor, keyFor, keyName } from './keymap.ts';

const press = (key: string, modifiers: Partial<{ ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean }> = {}) => ({ key, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...modifiers });
const bindings = [{ key: 'F1', action: 'ready' }, { key: 'Ctrl+F2', action: 'not-ready', reasonCode: 'lunch' }, { key: 'Alt+h', action: 'hangup' }];

describe('workstation key presses', () => {
  it('names a press as the keymap does: modifiers, then the key', () => {
    expect(keyName(press('F2', { ctrlKey: true }))).to.equal('Ctrl+F2');
    expect(keyName(press('h', { altKey: true, shiftKey: true }))).to.equal('Alt+Shift+H');
    expect(keyName(press(' '))).to.equal('Space');
  });
  it('finds the binding of a press, modifiers included', () => {
    expect(bindingFor(bindings, press('F1'))?.action).to.equal('ready');
    expect(bindingFor(bindings, press('F2', { ctrlKey: true }))?.reasonCode).to.equal('lunch');
    expect(bindingFor(bindings, press('H', { altKey: true }))?.action).to.equal('hangup');
  });
  it('ignores presses nothing is bound to', () => {
    expect(bindingFor(bindings, press('F2'))).to.equal(undefined);
    expect(bindingFor(bindings, press('F1', { shiftKey: true }))).to.equal(undefined);
  });
  it('labels a button with its key', () => {
    expect(keyFor(bindings, 'not-ready')).to.equal('Ctrl+F2');
    expect(keyFor(bindings, 'transfer')).to.equal(null);
  });
});
