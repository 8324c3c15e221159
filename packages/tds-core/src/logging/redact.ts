// Redaction itself lives in @tsh/zoho-client (the lowest package that needs it); these names stay
// reachable from the core for the code that already imports them here.
export { REDACTED, SECRET_KEYS, redactSecrets } from '@tsh/zoho-client/internal';
