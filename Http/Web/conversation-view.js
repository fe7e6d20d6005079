// The conversation on the page: the user's turns as plain text with their image thumbnails, the answers rendered
// from Markdown as they stream, and under each answer its figures or its error. Nothing here parses HTML: text
// goes in through textContent and the Markdown renderer's text nodes.

import { renderMarkdown } from './markdown.js';

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Keeps the newest turn in view while the reader is at the bottom; one who scrolled up to read stays put. */
function follow(container, change) {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
  change();
  if (atBottom) container.scrollTop = container.scrollHeight;
}

export class ConversationView {
  constructor(container) {
    this.container = container;
  }

  clear() {
    this.container.replaceChildren();
  }

  /** A user turn: the text exactly as typed, then its images. */
  addUserTurn(text, images) {
    const turn = element('article', 'turn user');
    const bubble = element('div', 'bubble');
    if (text) bubble.append(element('div', 'text', text));
    if (images.length > 0) {
      const strip = element('div', 'turn-images');
      for (const url of images) {
        const img = element('img');
        img.src = url;
        img.alt = 'attached image';
        strip.append(img);
      }
      bubble.append(strip);
    }
    turn.append(bubble);
    follow(this.container, () => this.container.append(turn));
  }

  /** A notice outside any answer, such as the model list failing to load. */
  addNotice(message) {
    follow(this.container, () => this.container.append(element('div', 'notice error', message)));
  }

  /** An answer that fills in as it streams; see AnswerView. */
  addAnswer() {
    const view = new AnswerView(this.container);
    follow(this.container, () => this.container.append(view.turn));
    return view;
  }
}

export class AnswerView {
  constructor(container) {
    this.container = container;
    this.turn = element('article', 'turn assistant pending');
    this.body = element('div', 'answer markdown');
    this.footer = element('div', 'stats');
    this.turn.append(this.body, this.footer);
    this.text = '';
    this.frame = 0;
  }

  /** The answer so far; rendering waits for the next frame, so a burst of tokens costs one Markdown pass. */
  setText(text) {
    this.text = text;
    this.turn.classList.remove('pending');
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Renders what is pending now (the stream ended, so no later frame would). */
  flush() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    follow(this.container, () => this.body.replaceChildren(renderMarkdown(this.text)));
  }

  finish(statsLine, note) {
    this.flush();
    this.turn.classList.remove('pending');
    this.footer.textContent = statsLine;
    if (note) this.footer.append(element('span', 'note', note));
  }

  fail(message) {
    this.flush();
    this.turn.classList.remove('pending');
    this.turn.classList.add('failed');
    follow(this.container, () => this.turn.append(element('div', 'error', message)));
  }
}
