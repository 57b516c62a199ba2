import { expect } from 'chai';
import { evaluate, loadCorpus, runConversation } from './evaluate.ts';

describe('risk and QA corpus', () => {
  const result = evaluate();

  it('holds Chinese and English conversations, genuine and fraudulent', () => {
    const corpus = loadCorpus();
    expect(corpus.some((c) => c.language.startsWith('zh') && c.genuine)).to.equal(true);
    expect(corpus.some((c) => c.language.startsWith('en') && !c.genuine)).to.equal(true);
  });

  it('keeps precision and recall of every rule kind at or above 75%', () => {
    for (const kind of result.kinds) {
      expect(kind.precision ?? 1, `${kind.kind} precision`).to.be.at.least(0.75);
      expect(kind.recall ?? 1, `${kind.kind} recall`).to.be.at.least(0.75);
    }
  });

  it('blocks every sensitive operation requested in a fraud conversation', () => {
    for (const conversation of loadCorpus().filter((c) => !c.genuine)) {
      const observed = runConversation(conversation);
      expect(observed.approved, conversation.id).to.deep.equal([]);
    }
  });

  it('reproduces its decisions exactly when the same conversation is replayed', () => {
    for (const conversation of loadCorpus()) {
      expect(JSON.stringify(runConversation(conversation).outputs)).to.equal(JSON.stringify(runConversation(conversation).outputs));
    }
  });
});
