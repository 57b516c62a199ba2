// The agent-assist script library (ScriptLibraryPublished.document): short scripts by purpose
// and language that processors suggest to the agent, always with the library version.
import { duplicateIds, RuleValidationError, validateRuleDocument } from '../rules/rule-document.ts';

export type ScriptPurpose = 'AGITATION' | 'SUPERVISOR' | 'FRAUD_WARNING';

export interface Script {
  readonly id: string;
  readonly purpose: ScriptPurpose;
  /** Language prefix: zh, en (matched against the segment language, e.g. zh-CN). */
  readonly language: string;
  readonly text: string;
}

export interface ScriptLibrary {
  readonly scripts: readonly Script[];
}

export const scriptLibrarySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scripts'],
  properties: {
    $comment: { type: 'string' },
    scripts: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'purpose', 'language', 'text'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' },
          purpose: { enum: ['AGITATION', 'SUPERVISOR', 'FRAUD_WARNING'] },
          language: { type: 'string', pattern: '^[a-z]{2}$' },
          text: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;

export function parseScriptLibrary(input: unknown): ScriptLibrary {
  const library = validateRuleDocument<ScriptLibrary>('script library', scriptLibrarySchema, input);
  const errors = duplicateIds(library.scripts.map((s) => ({ id: `${s.id}/${s.language}` })), 'scripts');
  if (errors.length > 0) throw new RuleValidationError('script library', errors);
  return library;
}

/** The script for a purpose in the call's language (e.g. zh-CN → zh), else the first for the purpose. */
export function pickScript(library: ScriptLibrary, purpose: ScriptPurpose, language: string): Script | undefined {
  const prefix = language.slice(0, 2).toLowerCase();
  return library.scripts.find((s) => s.purpose === purpose && s.language === prefix) ?? library.scripts.find((s) => s.purpose === purpose);
}
