export {};
export * from './config';
export * from './logging';
export * from './transform';
export * from './sandbox';
export * from './db';
export * from './queue';
export * from './workers';
