export { databaseFingerprint } from '@tsh/test-utils';
