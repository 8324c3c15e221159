export { planAdoption, EMPTY_ADOPTION_PLAN, type AdoptionPlan, type AdoptionStep, type AdoptionStepKind } from './plan-adoption';
export { runAdoption, type AdoptionReport } from './run-adoption';
export { formatAdoption, type AdoptionText } from './format-adoption';
export { ADOPTED_TABLES, SEED_ENTITY_WORDS, type AdoptedTable } from './seed-words';
