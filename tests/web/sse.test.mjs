import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser, readEvents, readJsonData } from '../../Http/Web/sse.js';

const datas = (events) => events.map((e) => e.data);

test('data payloads come out at their blank line', () => {
  const parser = new SseParser();
  assert.deepEqual(datas(parser.push('data: {"a":1}\n\ndata: [DONE]\n\n')), ['{"a":1}', '[DONE]']);
});

test('an event cut anywhere across chunks comes out once, whole', () => {
  const stream = 'data: {"text":"héllo"}\r\n\r\ndata: second\n\n';
  for (let cut = 0; cut <= stream.length; cut++) {
    const parser = new SseParser();
    const events = [...parser.push(stream.slice(0, cut)), ...parser.push(stream.slice(cut)), ...parser.end()];
    assert.deepEqual(datas(events), ['{"text":"héllo"}', 'second'], `cut at ${cut}`);
  }
});

test('a CR at the end of a chunk and its LF in the next are one line break', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('data: x\r'), []);
  assert.deepEqual(datas(parser.push('\n\r\n')), ['x']);
});

test('lone CR line breaks end lines too', () => {
  assert.deepEqual(datas(new SseParser().push('data: a\r\rdata: b\r\r')), ['a', 'b']);
});

test('several data lines join with newlines; comments and unknown fields are skipped', () => {
  const parser = new SseParser();
  const events = parser.push(': keep-alive\ndata: one\nretry: 10\ndata:two\nfoo: bar\n\n');
  assert.deepEqual(datas(events), ['one\ntwo']);
});

test('event names and ids are kept; the default name is message', () => {
  const events = new SseParser().push('event: stats\nid: 7\ndata: {}\n\ndata: x\n\n');
  assert.deepEqual(events, [{ event: 'stats', data: '{}', id: '7' }, { event: 'message', data: 'x', id: '7' }]);
});

test('an event with no data dispatches nothing', () => {
  assert.deepEqual(new SseParser().push('event: ping\n\n'), []);
});

test('end drops an event whose blank line never came', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('data: cut off'), []);
  assert.deepEqual(parser.end(), []);
});

function responseOf(chunks) {
  const encoder = new TextEncoder();
  return new Response(new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  }));
}

test('readEvents decodes UTF-8 split inside a character', async () => {
  const bytes = new TextEncoder().encode('data: 图片\n\n');
  const events = [];
  for await (const event of readEvents(responseOf([bytes.slice(0, 8), bytes.slice(8)]))) events.push(event.data);
  assert.deepEqual(events, ['图片']);
});

test('readJsonData parses each chunk and stops at [DONE]', async () => {
  const chunks = [];
  for await (const chunk of readJsonData(responseOf(['data: {"n":1}\n\ndata: {"n"', ':2}\n\ndata: [DONE]\n\ndata: {"n":3}\n\n']))) chunks.push(chunk);
  assert.deepEqual(chunks, [{ n: 1 }, { n: 2 }]);
});
