const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const HEX = /^[0-9A-Fa-f]{2}$/;

/** The percent-decoded bytes of a form component (`+` is a space; a `%` not followed by two hex digits stays as is, as in URLSearchParams). */
function percentDecodedBytes(component: string): Buffer {
  const raw = Buffer.from(component.replace(/\+/g, ' '), 'utf8');
  const out = Buffer.alloc(raw.length);
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    const hex = raw[i] === 0x25 ? raw.toString('latin1', i + 1, i + 3) : '';
    if (HEX.test(hex)) {
      out[length++] = parseInt(hex, 16);
      i += 2;
    } else {
      out[length++] = raw[i];
    }
  }
  return out.subarray(0, length);
}

/**
 * The first value of a form field, decoded as URLSearchParams decodes it, except that escapes that
 * are not UTF-8 (`%FF`) are an error (`invalid`) instead of turning into U+FFFD: replacing them
 * would store text Zoho never sent. `missing` when the form has no such field.
 */
export function strictFormField(form: string, name: string): { value: string } | 'missing' | 'invalid' {
  for (const field of form.split('&')) {
    if (field === '') continue;
    const at = field.indexOf('=');
    const key = at < 0 ? field : field.slice(0, at);
    let decodedKey: string;
    try {
      decodedKey = strictUtf8.decode(percentDecodedBytes(key));
    } catch {
      continue; // not the field we look for, whatever it is
    }
    if (decodedKey !== name) continue;
    try {
      return { value: strictUtf8.decode(percentDecodedBytes(at < 0 ? '' : field.slice(at + 1))) };
    } catch {
      return 'invalid';
    }
  }
  return 'missing';
}
