import { Tokenizer, TokenParser, TokenType, type ParsedElementInfo, type ParsedTokenInfo } from '@streamparser/json';
import { callOptions, type ZohoCallOptions } from '../abortable';
import { ZohoApiError, ZohoError, ZohoValidationError } from '../errors';
import { zohoCode } from '../request/interpret-response';
import { CallerError, type ZohoStreamReader, type ZohoStreamRequest } from '../request/request-core';
import { exactJsonNumber } from '../schemas/decimal';
import { pricebookItemSchema, pricebookSchema, type ZohoPricebook, type ZohoPricebookItem } from '../schemas/entities';
import { parseRecord } from '../schemas/parse';

/** Entries handed over at once unless the caller says otherwise. */
export const PRICEBOOK_STREAM_CHUNK = 1_000;


export interface ZohoPricebookStreamOptions extends ZohoCallOptions {
  /** Entries per call of `onEntries` (default 1 000); the last call may get fewer. */
  chunkSize?: number;
  /**
   * Receives `pricebook_items` in document order, each entry validated, `chunkSize` at a time;
   * `offset` is the index of the first one in the book. Awaited before more of the answer is read.
   * Once it has been called, a failure of the answer (connection lost, truncated body) ends the call
   * with ZohoStreamBrokenError and is not retried: drop the entries received and ask again.
   */
  onEntries(entries: ZohoPricebookItem[], offset: number): Promise<void> | void;
}

export interface ZohoStreamedPricebook {
  /** Validated like `get`'s record (the same schema), without its entries. */
  header: ZohoPricebookHeader;
  /** False when the detail had no `pricebook_items` key at all (a fixed-percentage book). */
  hasEntries: boolean;
  /** Entries handed to `onEntries`. */
  entryCount: number;
}

/** The header fields read out of the stream; unknown ones are not kept (they are stored only as raw JSON). */
const HEADER_FIELDS = ['pricebook_id', 'name', 'currency_code', 'status', 'pricebook_type', 'is_increase', 'percentage', 'rounding_type'] as const;

/** A price book's own fields (those of its schema), without `pricebook_items`. */
export type ZohoPricebookHeader = Pick<ZohoPricebook, (typeof HEADER_FIELDS)[number]>;
/** Fields holding money or quantities: their numbers are kept as exact decimal text, never a double. */
const DECIMAL_FIELDS = new Set(['pricebook_rate', 'start_quantity', 'end_quantity', 'percentage']);

/** A JSON number as its text, until it is known whether it is a decimal (kept exact) or not. */
class NumberText {
  constructor(readonly text: string) {}
}

class ExactNumberTokenizer extends Tokenizer {
  protected override parseNumber(text: string): number {
    return new NumberText(text) as unknown as number;
  }
}

/** Replaces NumberText: exact decimal text under a decimal field, a JS number (as JSON.parse gives) elsewhere. */
function reviveNumbers(value: unknown, key: string | number | undefined): unknown {
  if (value instanceof NumberText) return typeof key === 'string' && DECIMAL_FIELDS.has(key) ? exactJsonNumber(value.text) : Number(value.text);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveNumbers(value[i], key);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const field of Object.keys(record)) record[field] = reviveNumbers(record[field], field);
  }
  return value;
}

/** Where the tokens are: the key path of the value being read, for what the value parser drops. */
class KeyPath {
  private keys: Array<string | undefined> = [];
  private depth = 0;
  private lastString: string | undefined;
  private afterColon = false;
  tokens = 0;
  /** The token that opened `pricebook.pricebook_items`, or undefined while it has not been met. */
  itemsToken: ParsedTokenInfo | undefined;

  see(info: ParsedTokenInfo): void {
    this.tokens += 1;
    if (this.afterColon && this.depth === 2 && this.keys[1] === 'pricebook' && this.keys[2] === 'pricebook_items') this.itemsToken = info;
    this.afterColon = info.token === TokenType.COLON;
    switch (info.token) {
      case TokenType.LEFT_BRACE:
      case TokenType.LEFT_BRACKET:
        this.depth += 1;
        this.keys[this.depth] = undefined;
        break;
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        this.depth -= 1;
        break;
      case TokenType.STRING:
        this.lastString = info.value as string;
        break;
      case TokenType.COLON:
        this.keys[this.depth] = this.lastString;
        break;
      default:
        break;
    }
  }
}

/** What `pricebook_items` held when it was not an array (null, a string...): fails the schema as `get` does. */
function itemsValue(token: ParsedTokenInfo | undefined): unknown {
  if (token === undefined) return undefined;
  if (token.token === TokenType.LEFT_BRACKET) return [];
  if (token.token === TokenType.LEFT_BRACE) return {};
  const value: unknown = token.value;
  return value instanceof NumberText ? Number(value.text) : value;
}

function entryError(pricebookId: string, index: number, error: ZohoValidationError, raw: unknown): ZohoValidationError {
  const issues = error.issues.map((issue) => ({ path: issue.path ? `pricebook_items.${index}.${issue.path}` : `pricebook_items.${index}`, message: issue.message }));
  return new ZohoValidationError('pricebook', pricebookId, issues, raw);
}

/**
 * Reads `GET /pricebooks/{id}` as it arrives: the entries are parsed, validated and handed over a
 * chunk at a time, the header fields kept, and nothing else of the document held, so the memory it
 * takes is a chunk's, not the book's (docs/prices.md).
 */
function pricebookReader(id: string, options: ZohoPricebookStreamOptions): ZohoStreamReader<ZohoStreamedPricebook> {
  const chunkSize = options.chunkSize ?? PRICEBOOK_STREAM_CHUNK;
  return async (response, endpoint, handingOut) => {
    const tokenizer = new ExactNumberTokenizer();
    const values = new TokenParser({
      paths: ['$.code', '$.message', ...HEADER_FIELDS.map((field) => `$.pricebook.${field}`), '$.pricebook.pricebook_items.*'],
      keepStack: false,
    });
    const where = new KeyPath();
    const envelope: { code?: unknown; message?: unknown } = {};
    const header: Record<string, unknown> = {};
    let pricebookSeen = false;
    let pending: ZohoPricebookItem[] = [];
    let entryCount = 0;
    let bytes = 0;
    let failure: unknown;

    const notJson = (why: string) =>
      new ZohoApiError({
        status: response.status,
        message: `expected a JSON object, got ${response.headers.get('content-type') ?? 'no content type'} (${why} after ${bytes} bytes)`,
        endpoint,
        retryable: true,
      });

    tokenizer.onToken = (info) => {
      if (where.tokens === 0 && info.token !== TokenType.LEFT_BRACE) throw notJson('not an object');
      where.see(info);
      values.write(info);
    };
    tokenizer.onEnd = () => {
      if (!values.isEnded) values.end();
    };
    values.onEnd = () => {
      if (!tokenizer.isEnded) tokenizer.end();
    };
    tokenizer.onError = (error) => {
      failure ??= error;
    };
    values.onError = (error) => {
      failure ??= error;
    };
    values.onValue = ({ value, key, stack }: ParsedElementInfo) => {
      const depth = stack.length;
      if (depth === 1) {
        envelope[key as 'code' | 'message'] = reviveNumbers(value, key as string);
      } else if (depth === 2) {
        pricebookSeen = true;
        header[key as string] = reviveNumbers(value, key as string);
      } else {
        const index = entryCount;
        entryCount += 1;
        const raw = reviveNumbers(value, undefined);
        try {
          pending.push(parseRecord(pricebookItemSchema, 'pricebook item', 'item_id', raw));
        } catch (error) {
          throw error instanceof ZohoValidationError ? entryError(id, index, error, raw) : error;
        }
      }
    };

    const handOver = async (all: boolean) => {
      while (pending.length >= chunkSize || (all && pending.length > 0)) {
        const chunk = pending.length <= chunkSize ? pending : pending.slice(0, chunkSize);
        pending = pending.length <= chunkSize ? [] : pending.slice(chunkSize);
        const offset = entryCount - pending.length - chunk.length;
        handingOut();
        try {
          await options.onEntries(chunk, offset);
        } catch (error) {
          throw new CallerError(error);
        }
      }
    };

    const feed = (piece: Uint8Array | null) => {
      // A value callback that throws (a bad entry) surfaces here; a syntax error through onError.
      if (piece === null) {
        if (!tokenizer.isEnded) tokenizer.end();
      } else {
        bytes += piece.byteLength;
        tokenizer.write(piece);
      }
      if (failure === undefined) return;
      // Ours (a bad entry, a body that is no object) as they are; the parser's as a body that is no JSON.
      if (failure instanceof ZohoError) throw failure;
      throw notJson(failure instanceof Error ? failure.message : String(failure));
    };

    for await (const piece of response.body) {
      feed(piece);
      await handOver(false);
    }
    if (where.tokens === 0) throw notJson('empty body');
    if (!values.isEnded) {
      try {
        feed(null);
      } catch (error) {
        if (error instanceof ZohoApiError) {
          throw new ZohoApiError({ status: response.status, message: `the JSON document was cut short after ${bytes} bytes`, endpoint, retryable: true });
        }
        throw error;
      }
    }
    if (!values.isEnded) throw new ZohoApiError({ status: response.status, message: `the JSON document was cut short after ${bytes} bytes`, endpoint, retryable: true });

    const code = zohoCode(envelope as Record<string, unknown>);
    if (code !== undefined && code !== 0) {
      const message = typeof envelope.message === 'string' ? envelope.message : `HTTP ${response.status}`;
      throw new ZohoApiError({ status: response.status, code, message, endpoint, retryable: false });
    }
    if (!pricebookSeen && where.itemsToken === undefined && entryCount === 0) {
      throw new ZohoValidationError('pricebook', id, [{ path: 'pricebook', message: 'missing from the response' }]);
    }
    await handOver(true);
    const items = where.itemsToken === undefined ? undefined : itemsValue(where.itemsToken);
    const book = parseRecord(pricebookSchema, 'pricebook', 'pricebook_id', { ...header, pricebook_items: items });
    const own = Object.fromEntries(HEADER_FIELDS.map((field) => [field, book[field]])) as ZohoPricebookHeader;
    return { header: own, hasEntries: where.itemsToken !== undefined, entryCount };
  };
}

/** `streamDetail` of `books.pricebooks`: `get`'s twin for books too big to hold whole. */
export function createPricebookStream(requestStream: ZohoStreamRequest) {
  return function streamDetail(id: string, options: ZohoPricebookStreamOptions): Promise<ZohoStreamedPricebook> {
    if (typeof id !== 'string' || id.trim() === '') throw new TypeError('pricebook id must be a non-empty string');
    const chunkSize = options.chunkSize ?? PRICEBOOK_STREAM_CHUNK;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new TypeError(`chunkSize must be a positive integer, got ${String(chunkSize)}`);
    return requestStream('books', `/pricebooks/${encodeURIComponent(id)}`, callOptions(options), pricebookReader(id, options));
  };
}
