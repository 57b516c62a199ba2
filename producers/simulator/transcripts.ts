// Transcript segments from the scenario's conversation templates: the lines of one conversation,
// in the call's language, spread over the talk time with a short gap between speakers.
// Placeholders in a line ({card4}, {amount}, {agent}) are filled with seeded values.
import type { Random } from './random.ts';
import type { Conversation, ConversationLine } from './scenario.ts';

export interface PlannedSegment {
  readonly line: ConversationLine;
  readonly text: string;
  /** Offsets from the answer, ms. */
  readonly startMs: number;
  readonly endMs: number;
}

export function planSegments(conversation: Conversation, language: string, talkMs: number, agentId: string, random: Random): PlannedSegment[] {
  // A very short service (the caller was cut off) only gets the opening lines that fit.
  const lines = conversation.lines;
  const fits = Math.max(1, Math.min(lines.length, Math.floor(talkMs / 4000)));
  const slot = talkMs / fits;
  const values: Record<string, string> = {
    card4: String(1000 + Math.floor(random.next() * 9000)),
    amount: String((1 + Math.floor(random.next() * 40)) * 5000),
    agent: agentId,
  };
  return lines.slice(0, fits).map((line, index) => {
    const template = language.startsWith('zh') ? line.zh : line.en;
    const text = template.replace(/\{(card4|amount|agent)\}/g, (_, name: string) => values[name]);
    const startMs = Math.round(index * slot + 300);
    return { line, text, startMs, endMs: Math.round(startMs + Math.max(800, slot - 900)) };
  });
}
