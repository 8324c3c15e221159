export { waitFor } from '@tsh/test-utils';
