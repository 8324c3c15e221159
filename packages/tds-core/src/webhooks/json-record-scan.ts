import { parseExactJson } from '@tsh/zoho-client/internal';

/**
 * A streaming JSON reader that keeps only what webhook intake needs from a body it must not hold:
 * which record keys the top-level object has (and whether each is an object), and a few scalar
 * fields of those records (their id and last_modified_time). The whole text is checked as
 * JSON.parse would check it, so a body is accepted or refused exactly as when it is parsed whole.
 * Memory is the nesting depth plus the captured values, whatever the body's size.
 * See docs/webhook-intake.md.
 */

export class JsonScanError extends Error {
  /** `empty`: only whitespace; `syntax`: not JSON. */
  readonly reason: 'empty' | 'syntax';
  constructor(reason: 'empty' | 'syntax', message: string) {
    super(message);
    this.name = 'JsonScanError';
    this.reason = reason;
  }
}

export interface JsonRecordScanner {
  /** The next piece of the text (any cut); throws JsonScanError as soon as the text cannot be JSON. */
  write(text: string): void;
  /**
   * The body as far as it was kept: an object holding the wanted record keys, each the record's
   * wanted fields (as JSON.parse gives them; a nested value or a string too long to be one of
   * them is a stand-in of its kind), a non-object value as 0; anything but an object at the top
   * is null. Throws JsonScanError when the text ended early or was empty.
   */
  end(): unknown;
}

const enum Expect {
  Value,
  FirstArrayValue,
  FirstKey,
  Key,
  Colon,
  AfterValue,
  Done,
}

const enum Mode {
  Between,
  String,
  Escape,
  Unicode,
  Number,
  Literal,
}

// Number grammar states: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
const enum Num {
  Minus,
  Zero,
  Int,
  Dot,
  Frac,
  E,
  ESign,
  Exp,
}

const JSON_SPACE = new Set([' ', '\t', '\n', '\r']);
const PLAIN_STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const HEX = /^[0-9a-fA-F]$/;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
/** Longest key or captured value kept: ids are at most 256 characters, timestamps far shorter. */
const MAX_CAPTURE = 1024;
const TOO_LONG = Symbol('too long');

const isDigit = (c: string) => c >= '0' && c <= '9';

export function createJsonRecordScanner(wanted: { keys: readonly string[]; fields: readonly string[] }): JsonRecordScanner {
  const wantedKeys = new Set(wanted.keys);
  const wantedFields = new Set(wanted.fields);
  const stack: Array<'o' | 'a'> = [];
  let expect = Expect.Value;
  let mode = Mode.Between;
  let sawToken = false;
  let sawOtherSpace = false; // whitespace JSON does not allow, before the first token (see end())

  // The token being read.
  let stringIsKey = false;
  let unicodeLeft = 0;
  let num = Num.Minus;
  let literal = '';
  let literalAt = 0;
  let capture: string | typeof TOO_LONG | null = null; // raw token text, when the token is kept

  // Where we are, for capturing.
  let topIsObject = false;
  let topKey: string | null = null; // the key being read at depth 1
  let fieldKey: string | null = null; // the key being read at depth 2, inside a wanted record
  const records: Record<string, Record<string, unknown> | 0> = Object.create(null);
  let currentRecord: Record<string, unknown> | null = null; // the wanted record we are inside (depth 2)

  const fail = (message: string): never => {
    throw new JsonScanError('syntax', message);
  };

  function keep(text: string) {
    if (capture === null || capture === TOO_LONG) return;
    capture = capture.length + text.length > MAX_CAPTURE ? TOO_LONG : capture + text;
  }

  /** Whether the value starting now is a wanted field of a wanted record. */
  const isWantedField = () => stack.length === 2 && currentRecord !== null && fieldKey !== null && wantedFields.has(fieldKey);

  function valueDone(value: unknown) {
    // A scalar (or a stand-in for a container) ending at the depth that is kept.
    if (stack.length === 1 && topKey !== null && wantedKeys.has(topKey) && value !== undefined) records[topKey] = 0;
    else if (isWantedField() && value !== undefined) currentRecord![fieldKey!] = value;
    expect = stack.length === 0 ? Expect.Done : Expect.AfterValue;
  }

  function startValue(c: string): void {
    sawToken = true;
    if (sawOtherSpace) fail('unexpected whitespace');
    if (c === '{' || c === '[') {
      if (stack.length === 0 && c === '{') topIsObject = true;
      if (stack.length === 1 && topKey !== null && wantedKeys.has(topKey)) {
        // A repeated key replaces the earlier value, as in JSON.parse.
        if (c === '{') {
          currentRecord = Object.create(null) as Record<string, unknown>;
          records[topKey] = currentRecord;
        } else records[topKey] = 0;
      } else if (isWantedField()) currentRecord![fieldKey!] = c === '{' ? {} : [];
      stack.push(c === '{' ? 'o' : 'a');
      expect = c === '{' ? Expect.FirstKey : Expect.FirstArrayValue;
      return;
    }
    const kept = isWantedField() || (stack.length === 1 && topKey !== null && wantedKeys.has(topKey));
    capture = kept ? '' : null;
    if (c === '"') {
      stringIsKey = false;
      mode = Mode.String;
      keep(c);
    } else if (c === '-' || isDigit(c)) {
      num = c === '-' ? Num.Minus : c === '0' ? Num.Zero : Num.Int;
      mode = Mode.Number;
      keep(c);
    } else if (c === 't' || c === 'f' || c === 'n') {
      literal = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      literalAt = 1;
      mode = Mode.Literal;
      keep(c);
    } else fail(`unexpected ${JSON.stringify(c)}`);
  }

  function closeContainer(c: string) {
    const top = stack.pop();
    if ((c === '}' && top !== 'o') || (c === ']' && top !== 'a')) fail(`unexpected ${c}`);
    if (stack.length === 1) currentRecord = null;
    expect = stack.length === 0 ? Expect.Done : Expect.AfterValue;
  }

  function finishCapture(): unknown {
    const text = capture;
    capture = null;
    if (text === null) return undefined;
    if (text === TOO_LONG) return {};
    return parseExactJson(text);
  }

  function endString() {
    if (stringIsKey) {
      const key = finishCapture();
      const name = typeof key === 'string' ? key : null;
      if (stack.length === 1) topKey = name;
      else if (stack.length === 2 && currentRecord !== null) fieldKey = name;
      expect = Expect.Colon;
      return;
    }
    valueDone(finishCapture());
  }

  function endNumber() {
    if (num === Num.Minus || num === Num.Dot || num === Num.E || num === Num.ESign) fail('unfinished number');
    mode = Mode.Between;
    valueDone(finishCapture());
  }

  function between(c: string) {
    if (JSON_SPACE.has(c)) return;
    switch (expect) {
      case Expect.Done:
        fail('text after the JSON value');
        break;
      case Expect.Value:
        startValue(c);
        break;
      case Expect.FirstArrayValue:
        if (c === ']') closeContainer(c);
        else startValue(c);
        break;
      case Expect.FirstKey:
      case Expect.Key:
        if (c === '}' && expect === Expect.FirstKey) closeContainer(c);
        else if (c === '"') {
          stringIsKey = true;
          // Keys are kept only where they name a record or a field.
          capture = stack.length === 1 || (stack.length === 2 && currentRecord !== null) ? '"' : null;
          mode = Mode.String;
        } else fail('expected a key');
        break;
      case Expect.Colon:
        if (c !== ':') fail('expected :');
        expect = Expect.Value;
        break;
      case Expect.AfterValue:
        if (c === ',') expect = stack[stack.length - 1] === 'o' ? Expect.Key : Expect.Value;
        else if (c === '}' || c === ']') closeContainer(c);
        else fail(`unexpected ${JSON.stringify(c)}`);
        break;
    }
  }

  function write(text: string): void {
    let i = 0;
    if (!sawToken && mode === Mode.Between && /^\s*$/.test(text)) {
      if (/[^ \t\n\r]/.test(text)) sawOtherSpace = true;
      return;
    }
    while (i < text.length) {
      switch (mode) {
        case Mode.Between:
          between(text[i++]);
          break;
        case Mode.String: {
          PLAIN_STRING_RUN.lastIndex = i;
          PLAIN_STRING_RUN.test(text);
          const end = PLAIN_STRING_RUN.lastIndex;
          if (capture !== null) keep(text.slice(i, end));
          i = end;
          if (i >= text.length) break;
          const c = text[i++];
          keep(c);
          if (c === '"') {
            mode = Mode.Between;
            endString();
          } else if (c === '\\') mode = Mode.Escape;
          else fail('control character in a string');
          break;
        }
        case Mode.Escape: {
          const c = text[i++];
          keep(c);
          if (c === 'u') {
            mode = Mode.Unicode;
            unicodeLeft = 4;
          } else if (ESCAPES.has(c)) mode = Mode.String;
          else fail('bad escape');
          break;
        }
        case Mode.Unicode: {
          const c = text[i++];
          keep(c);
          if (!HEX.test(c)) fail('bad \\u escape');
          if (--unicodeLeft === 0) mode = Mode.String;
          break;
        }
        case Mode.Number: {
          const c = text[i];
          const digit = isDigit(c);
          let next: Num | null = null;
          if (num === Num.Minus) next = c === '0' ? Num.Zero : digit ? Num.Int : null;
          else if (num === Num.Zero || num === Num.Int) next = num === Num.Int && digit ? Num.Int : c === '.' ? Num.Dot : c === 'e' || c === 'E' ? Num.E : null;
          else if (num === Num.Dot || num === Num.Frac) next = digit ? Num.Frac : num === Num.Frac && (c === 'e' || c === 'E') ? Num.E : null;
          else if (num === Num.E) next = digit ? Num.Exp : c === '+' || c === '-' ? Num.ESign : null;
          else next = digit ? Num.Exp : null;
          if (next === null) {
            endNumber(); // the character is read again, between tokens
            break;
          }
          num = next;
          keep(c);
          i++;
          break;
        }
        case Mode.Literal: {
          const c = text[i++];
          if (c !== literal[literalAt]) fail('bad literal');
          keep(c);
          if (++literalAt === literal.length) {
            mode = Mode.Between;
            valueDone(finishCapture());
          }
          break;
        }
      }
    }
  }

  return {
    write,
    end() {
      if (mode === Mode.Number) endNumber();
      if (!sawToken) throw new JsonScanError('empty', 'the text is empty');
      if (mode !== Mode.Between || expect !== Expect.Done) fail('the text ended early');
      if (!topIsObject) return null;
      return records;
    },
  };
}
