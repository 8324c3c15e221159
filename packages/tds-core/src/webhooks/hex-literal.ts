/**
 * SQL for a statement sent without parameters (the simple protocol, which alone takes several
 * statements in one round trip): values go in as their UTF-8 bytes in hex, which cannot end the
 * literal or carry SQL, and arrive as the text a text parameter would have been (a lone UTF-16
 * surrogate becomes U+FFFD, as in a parameter's UTF-8 encoding).
 */
export const hexBytes = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

/** A text value: `convert_from(decode('<hex>', 'hex'), 'UTF8')`. */
export const hexTextLiteral = (text: string): string => `convert_from(decode('${hexBytes(text)}', 'hex'), 'UTF8')`;

/** A text[] value of the given strings' hex forms, each to be read with convert_from(decode(h, 'hex'), 'UTF8'). */
export const hexArrayLiteral = (texts: readonly string[]): string => `'{${texts.map(hexBytes).join(',')}}'::text[]`;
