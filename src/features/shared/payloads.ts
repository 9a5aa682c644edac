/** Payload pieces several features' verbs share. */
import { z } from 'zod';
import { isStepId, type StepId } from '../../domain/guide/steps';

/** A guide step id, as a button carries it. */
export const step = z.custom<StepId>(isStepId, 'unknown step');
/** A verb with nothing but its name. */
export const noPayload = z.object({});
