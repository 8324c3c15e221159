export * from './types';
export * from './binding-error';
export * from './read-binding';
export * from './claim-binding';
export * from './rebind';
export * from './database-contents';
export * from './binding-guard';
export * from './binding-view';
