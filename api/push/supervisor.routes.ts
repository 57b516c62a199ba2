// The supervisor's push stream (wallboard deltas and alerts).
import { Router } from 'express';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import { allow } from '../http/auth.ts';
import { openSseStream, type StreamParts } from './sse-stream.ts';
import { supervisorStreamSelect } from './supervisor-stream.ts';

export function supervisorRoutes(parts: { stream: StreamParts; codec: EventCodec; personalData: PersonalDataProtector }): Router {
  const router = Router();
  const topics = [...new Set(['InteractionStarted', 'AgentLoggedIn', 'SystemModeChanged'].map((t) => parts.codec.catalogue.get(t).topic))];
  router.get('/v1/supervisor/stream', allow('supervisor'), async (req, res) => {
    await openSseStream(req, res, parts.stream, 'supervisor', topics, supervisorStreamSelect(parts.codec, parts.personalData));
  });
  return router;
}
