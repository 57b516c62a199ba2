import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseScenario, ScenarioValidationError } from './scenario.ts';
import { shippedScenarios } from './scenario-files.ts';

const bankDayText = readFileSync(shippedScenarios['bank-day'], 'utf8');
const readBeside = (name: string): string => readFileSync(new URL(`./scenarios/${name}`, import.meta.url), 'utf8');

function refusal(change: (document: Record<string, unknown>) => void): ScenarioValidationError {
  const document = JSON.parse(bankDayText) as Record<string, unknown>;
  change(document);
  try {
    parseScenario(JSON.stringify(document), 'test.json', readBeside);
  } catch (error) {
    expect(error).to.be.instanceOf(ScenarioValidationError);
    return error as ScenarioValidationError;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario file', () => {
  it('accepts the shipped scenarios', () => {
    for (const file of Object.values(shippedScenarios)) {
      expect(parseScenario(readFileSync(file, 'utf8'), file.pathname, readBeside).transcripts.conversations.length).to.be.greaterThan(5);
    }
  });

  it('names the field and the rule of a wrong value', () => {
    const error = refusal((d) => { (d.channels as Record<string, unknown>).video = 1.5; });
    expect(error.errors).to.deep.include({ field: 'channels.video', rule: 'maximum', message: 'must be <= 1' });
  });

  it('refuses unknown fields', () => {
    const error = refusal((d) => { d.arrivalRate = 5; });
    expect(error.message).to.contain('arrivalRate: is not a known field [additionalProperties]');
  });

  it('refuses shares that do not add up to one', () => {
    const error = refusal((d) => { (d.tiers as { share: number }[])[0].share = 0.5; });
    expect(error.errors.map((e) => `${e.field} ${e.rule}`)).to.deep.equal(['tiers sum-to-one']);
  });

  it('refuses an IVR option leading to a node that does not exist', () => {
    const error = refusal((d) => { ((d.ivr as { nodes: { options?: { next: string }[] }[] }).nodes[0].options ?? [])[0].next = 'nowhere'; });
    expect(error.message).to.contain("ivr.nodes.0.options.0.next: names the node 'nowhere', which ivr.nodes does not define [known-node]");
  });

  it('refuses an IVR tree that loops', () => {
    const error = refusal((d) => {
      const nodes = (d.ivr as { nodes: { id: string; options?: { next: string; weight: number }[] }[] }).nodes;
      (nodes.find((n) => n.id === 'cards-menu')?.options ?? [])[0].next = 'main';
    });
    expect(error.errors.map((e) => e.rule)).to.include('acyclic');
  });

  it('refuses a conversation a service type names but the transcripts do not define', () => {
    const error = refusal((d) => { (d.serviceTypes as { conversations: Record<string, number> }[])[0].conversations = { smalltalk: 1 }; });
    expect(error.message).to.contain("serviceTypes.0.conversations.smalltalk: names the conversation 'smalltalk'");
  });

  it('names the field of a conversations file that is not there', () => {
    const error = refusal((d) => { (d.transcripts as Record<string, unknown>).conversations = 'missing.json'; });
    expect(error.errors[0]).to.include({ field: 'transcripts.conversations', rule: 'file' });
  });

  it('refuses outbound telephony shares above one and outcome shares that do not add up to one, naming the field', () => {
    const error = refusal((d) => {
      const outbound = d.outbound as { telephony: { answer: number }; outcomes: Record<string, number> };
      outbound.telephony.answer = 0.9;
      outbound.outcomes.DISPUTE = 0.5;
    });
    expect(error.errors.map((e) => `${e.field} ${e.rule}`)).to.deep.equal(['outbound.telephony at-most-one', 'outbound.outcomes sum-to-one']);
  });

  it('refuses an outbound outcome that is not a disposition code', () => {
    const error = refusal((d) => { (d.outbound as { outcomes: Record<string, number> }).outcomes = { 'promise to pay': 1 }; });
    expect(error.errors.map((e) => e.field)).to.include('outbound.outcomes');
    expect(error.errors.map((e) => e.rule)).to.include('propertyNames');
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseScenario('{', 'broken.json', readBeside)).to.throw(ScenarioValidationError, /\(scenario\): is not JSON/);
  });
});
