import { describe, expect, it } from 'vitest';
import { createSseParser, type ServerSentEvent } from '../src/lib/sse-parser';

function parse(chunks: string[]): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('createSseParser', () => {
  const stream = 'retry: 2000\n\n: keep-alive\n\nevent: snapshot\ndata: {"a":1}\n\nevent: run\ndata: {"status":"running"}\n\ndata: plain\n\n';
  const expected = [
    { event: 'snapshot', data: '{"a":1}' },
    { event: 'run', data: '{"status":"running"}' },
    { event: 'message', data: 'plain' },
  ];

  it('reads events, ignoring comments and retry lines', () => {
    expect(parse([stream])).toEqual(expected);
  });

  it('gives the same events however the stream is cut into chunks', () => {
    for (let size = 1; size <= 7; size++) {
      const chunks = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.slice(i, i + size));
      expect(parse(chunks), `chunks of ${size}`).toEqual(expected);
    }
  });

  it('accepts CRLF and CR line ends (also split between chunks) and joins multi-line data', () => {
    expect(parse(['event: x\r', '\ndata: one\r\ndata: two\r', '\n\r\n'])).toEqual([{ event: 'x', data: 'one\ntwo' }]);
    expect(parse(['data:no-space\r\r', 'data: next\n\n'])).toEqual([
      { event: 'message', data: 'no-space' },
      { event: 'message', data: 'next' },
    ]);
  });

  it('holds an unfinished event until its blank line arrives', () => {
    const events: ServerSentEvent[] = [];
    const parser = createSseParser((e) => events.push(e));
    parser.push('event: snapshot\ndata: {"b":2}\n');
    expect(events).toEqual([]);
    parser.push('\n');
    expect(events).toEqual([{ event: 'snapshot', data: '{"b":2}' }]);
  });
});
