// JSON Schemas of request bodies, checked with ajv; the same schemas go into /openapi.json.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { RequestHandler } from 'express';
import { fail } from './problem.ts';

export type JsonSchema = Readonly<Record<string, unknown>>;

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

export function validateBody(schema: JsonSchema): RequestHandler {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const check = validate;
  return (req, _res, next) => {
    const body: unknown = req.body ?? {};
    if (check(body)) {
      next();
      return;
    }
    const errors = (check.errors ?? []).map((e) => {
      const base = e.instancePath.split('/').filter(Boolean).join('.');
      if (e.keyword === 'required') {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        return { field: base ? `${base}.${missing}` : missing, rule: 'required', message: 'is required' };
      }
      if (e.keyword === 'additionalProperties') {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        return { field: base ? `${base}.${extra}` : extra, rule: 'additionalProperties', message: 'is not a field of this request' };
      }
      return { field: base || '(body)', rule: e.keyword, message: e.message ?? 'is invalid' };
    });
    fail('validation', `The request body is not valid: ${errors.map((e) => `${e.field} (${e.rule})`).join(', ')}.`, { errors });
  };
}

const id = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:/@-]+$' } as const;
const code = { type: ['string', 'null'], maxLength: 64 } as const;
const text = (max: number) => ({ type: ['string', 'null'], maxLength: max }) as const;

export const ticketFieldsSchema = {
  type: 'array', maxItems: 100,
  items: { type: 'object', additionalProperties: false, required: ['name', 'value'], properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, value: { type: 'string', maxLength: 2000 } } },
} as const;

export const commandSchemas = {
  login: {
    type: 'object', additionalProperties: false, required: ['site'],
    properties: {
      site: id, station: text(64), supervisorId: text(64), cohort: { enum: ['CURRENT', 'CANDIDATE', null] },
      teams: { type: 'array', maxItems: 20, items: id },
      skills: { type: 'array', maxItems: 50, items: { type: 'object', additionalProperties: false, required: ['skill', 'proficiency'], properties: { skill: id, proficiency: { type: 'integer', minimum: 1, maximum: 10 } } } },
    },
  },
  logout: { type: 'object', additionalProperties: false, properties: { reason: { enum: ['END_OF_SHIFT', 'FORCED', 'TIMEOUT', 'SYSTEM', 'OTHER'] } } },
  state: { type: 'object', additionalProperties: false, required: ['state'], properties: { state: { enum: ['AVAILABLE', 'BREAK', 'TRAINING'] }, reasonCode: code } },
  accept: { type: 'object', additionalProperties: false, required: ['interactionId'], properties: { interactionId: id } },
  decline: { type: 'object', additionalProperties: false, required: ['interactionId'], properties: { interactionId: id, reasonCode: code } },
  hold: { type: 'object', additionalProperties: false, properties: { reasonCode: code } },
  empty: { type: 'object', additionalProperties: false, properties: {} },
  transfer: {
    type: 'object', additionalProperties: false, required: ['mode', 'targetKind'],
    properties: {
      mode: { enum: ['BLIND', 'CONSULT'] }, targetKind: { enum: ['QUEUE', 'AGENT', 'IVR', 'EXTERNAL'] }, targetQueueId: { ...id, type: ['string', 'null'] },
      targetAgentId: { ...id, type: ['string', 'null'] }, targetExternalNumber: { type: ['string', 'null'], pattern: '^\\+[1-9][0-9]{6,14}$' }, reason: text(200),
    },
  },
  conference: {
    type: 'object', additionalProperties: false, required: ['participants'],
    properties: {
      participants: {
        type: 'array', minItems: 1, maxItems: 5,
        items: {
          type: 'object', additionalProperties: false, required: ['role'],
          properties: { role: { enum: ['AGENT', 'SUPERVISOR', 'SPECIALIST', 'EXTERNAL'] }, agentId: { ...id, type: ['string', 'null'] }, externalNumber: { type: ['string', 'null'], pattern: '^\\+[1-9][0-9]{6,14}$' } },
        },
      },
    },
  },
  wrapUp: {
    type: 'object', additionalProperties: false, required: ['disposition', 'resolved'],
    properties: {
      disposition: { type: 'string', minLength: 1, maxLength: 64 }, resolved: { type: 'boolean' }, intent: code, ticketId: text(64), ticketFields: ticketFieldsSchema,
      followUpRequired: { type: 'boolean' }, nextState: { enum: ['AVAILABLE', 'BREAK'] },
    },
  },
  systemMode: {
    type: 'object', additionalProperties: false, required: ['mode', 'reason'],
    properties: {
      scope: { type: 'string', minLength: 1, maxLength: 64 }, mode: { enum: ['NORMAL', 'DEGRADED', 'EMERGENCY'] }, reason: { type: 'string', minLength: 1, maxLength: 500 },
      shedFeatures: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 64 } }, activeSite: text(64),
    },
  },
} as const satisfies Record<string, JsonSchema>;
