export * from './content-type';
export * from './decode-body';
export * from './extract-record';
export * from './ingest-webhook';
export * from './payload-hash';
export * from './store-webhooks';
export * from './webhook-batcher';
export * from './webhook-operation';
