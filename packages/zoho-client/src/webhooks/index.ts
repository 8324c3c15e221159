export {
  parseZohoWebhook,
  ZOHO_WEBHOOK_ENTITIES,
  type ParseZohoWebhookInput,
  type ZohoWebhookDelivery,
  type ZohoWebhookEntityKey,
} from './parse-webhook';
export type { ZohoWebhookQuery } from './query-pairs';
export {
  createZohoWebhookSignatureStream,
  type ZohoWebhookSignatureStream,
  type ZohoWebhookSignatureStreamInput,
} from './signature-stream';
export {
  signZohoWebhook,
  verifyZohoWebhookSignature,
  type VerifyZohoWebhookSignatureInput,
  type ZohoWebhookSignatureInput,
} from './signature';
