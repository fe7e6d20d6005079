// Server-sent events read from a fetch() body, for streams EventSource cannot open: a POST with a JSON body,
// or any request that must carry an Authorization header. Follows the WHATWG event-stream rules
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).

/**
 * An incremental event-stream parser. Feed it text as it arrives, in chunks cut anywhere (even inside a line or
 * between '\r' and '\n'); each call returns the events that chunk completed, as { event, data, id }.
 */
export class SseParser {
  #buffer = '';
  #data = [];
  #event = '';
  #id = '';
  #pendingCr = false;

  /** @param {string} text @returns {{event: string, data: string, id: string}[]} */
  push(text) {
    const events = [];
    let start = 0;
    // A '\r' that ended the previous chunk already ended its line; a '\n' right after it is the same line break.
    if (this.#pendingCr && text.startsWith('\n')) start = 1;
    this.#pendingCr = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c !== '\n' && c !== '\r') continue;
      this.#buffer += text.slice(start, i);
      this.#line(this.#buffer, events);
      this.#buffer = '';
      if (c === '\r') {
        if (i + 1 < text.length) {
          if (text[i + 1] === '\n') i++;
        } else {
          this.#pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.#buffer += text.slice(start);
    return events;
  }

  /** Ends the stream: a last line without its line break still counts; an event without its blank line does not. */
  end() {
    const events = [];
    if (this.#buffer !== '') this.#line(this.#buffer, events);
    this.#buffer = '';
    this.#data = [];
    this.#event = '';
    return events;
  }

  #line(line, events) {
    if (line === '') {
      if (this.#data.length > 0) events.push({ event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id });
      this.#data = [];
      this.#event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }
}

/**
 * The events of a fetch Response's body, decoded as UTF-8 across chunk boundaries. Ends when the body does; an
 * abort of the request's signal surfaces as the fetch's AbortError.
 * @param {Response} response
 */
export async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* parser.push(value);
    }
    yield* parser.end();
  } finally {
    // A consumer that stops early must not leave the connection open; after the end this does nothing.
    await reader.cancel().catch(() => {});
  }
}

/** The data payloads of an OpenAI stream as parsed JSON, up to its `[DONE]` marker. */
export async function* readJsonData(response) {
  for await (const { data } of readEvents(response)) {
    if (data === '[DONE]') return;
    yield JSON.parse(data);
  }
}
