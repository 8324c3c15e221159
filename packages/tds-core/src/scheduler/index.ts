export * from './cluster-lock';
export * from './create-scheduler';
export * from './next-daily-run';
export * from './repeating-task';
export * from './verify-schedule';
