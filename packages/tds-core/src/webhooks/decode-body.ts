import { parseExactJson } from '@tsh/zoho-client/internal';
import { WebhookRejectedError } from './webhook-rejected-error';
import type { WebhookBodyKind } from './content-type';
import { strictFormField } from './form-field';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The decoded JSON of a delivery and the exact JSON text it came from (the raw body, or the JSONString field). */
export interface DecodedWebhookBody {
  body: unknown;
  jsonText: string;
}

function utf8(rawBody: Buffer): string {
  try {
    // Replacing bad bytes with U+FFFD would store a record Zoho never sent: refuse instead.
    return strictUtf8.decode(rawBody);
  } catch {
    throw new WebhookRejectedError(400, 'invalid_encoding', 'Webhook body is not valid UTF-8');
  }
}

function parseJson(text: string, code: string, what: string): unknown {
  try {
    return parseExactJson(text);
  } catch {
    throw new WebhookRejectedError(400, code, `${what} is not valid JSON`);
  }
}

/** The JSON text of a (signature-checked) body: the body itself, or the `JSONString` field of a form. Throws 400/422. */
export function webhookJsonText(rawBody: Buffer, kind: WebhookBodyKind): string {
  const text = utf8(rawBody);
  if (text.trim() === '') throw new WebhookRejectedError(400, 'empty_body', 'Webhook body is empty');
  if (kind === 'json') return text;
  const field = strictFormField(text, 'JSONString');
  if (field === 'missing') {
    throw new WebhookRejectedError(422, 'missing_json_string', 'Form-encoded webhook has no JSONString field');
  }
  if (field === 'invalid') throw new WebhookRejectedError(400, 'invalid_encoding', 'Webhook JSONString field is not valid UTF-8 once URL-decoded');
  return field.value;
}

/** Decodes a (signature-checked) body: JSON as is, or the `JSONString` field of a form. Throws 400/422. */
export function decodeWebhookBody(rawBody: Buffer, kind: WebhookBodyKind): DecodedWebhookBody {
  const jsonText = webhookJsonText(rawBody, kind);
  return kind === 'json'
    ? { body: parseJson(jsonText, 'invalid_json', 'Webhook body'), jsonText }
    : { body: parseJson(jsonText, 'invalid_json_string', 'Webhook JSONString field'), jsonText };
}
