import { deadLetterExhausted } from '../sql/dead-letter-exhausted';
import type { HealStep } from './context';

/** Failed items out of retries move to the dead-letter queue, where a person decides. */
export const deadLetterExhaustedStep: HealStep = async ({ db, settings }) => {
  const moved = await deadLetterExhausted(db, settings.batchLimit);
  return {
    action: 'dead_letter_exhausted',
    outcome: moved.length > 0 ? 'success' : 'noop',
    details: { moved: moved.length, ids: moved.slice(0, 50) },
  };
};
