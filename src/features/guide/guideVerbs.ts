/** The guide's buttons: start, next, back, a choice, start again, carry on. */
import { z } from 'zod';
import { CHOICES } from '../../domain/guide/steps';
import type { VerbSchemas } from '../router';
import { noPayload, step } from '../shared/payloads';

export const GuideVerb = {
  GuideStart: 'guide.start',
  GuideNext: 'guide.next',
  GuideBack: 'guide.back',
  GuideChoose: 'guide.choose',
  GuideRestart: 'guide.restart',
  GuideResume: 'guide.resume',
} as const;

export const guideVerbs = {
  [GuideVerb.GuideStart]: noPayload,
  [GuideVerb.GuideRestart]: noPayload,
  [GuideVerb.GuideResume]: noPayload,
  [GuideVerb.GuideNext]: z.object({ from: step }),
  [GuideVerb.GuideBack]: z.object({ from: step }),
  [GuideVerb.GuideChoose]: z.object({ from: step, choice: z.enum(CHOICES) }),
} satisfies VerbSchemas;
