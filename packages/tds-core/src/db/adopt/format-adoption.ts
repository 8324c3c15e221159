import type { AdoptionStep } from './plan-adoption';

export interface AdoptionText {
  tables: readonly string[];
  steps: readonly AdoptionStep[];
  refused: readonly AdoptionStep[];
  notes: readonly string[];
}

/**
 * The adoption as lines for people: each change (or planned change) with its SQL and why, the
 * refused alterations with what will fail instead, then the notes.
 */
export function formatAdoption(adoption: AdoptionText, heading: string): string[] {
  if (adoption.tables.length === 0) return [];
  const lines = [`${heading} (${adoption.tables.join(', ')}):`];
  for (const step of adoption.steps) lines.push(`  [${step.kind}] ${step.sql};`, `      why: ${step.why}`);
  if (adoption.refused.length > 0) {
    lines.push('Refused column changes (--no-alter-columns) and what will fail instead:');
    for (const step of adoption.refused) lines.push(`  ${step.sql};`, `      will fail: ${step.ifRefused ?? step.why}`);
  }
  for (const note of adoption.notes) lines.push(`Note: ${note}`);
  return lines;
}
