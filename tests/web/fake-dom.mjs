// Just enough of a DOM for markdown.js to build into, so its output can be checked without a browser: elements,
// text nodes and fragments, and an HTML serialization that escapes text as a browser would.

class Node {
  constructor() {
    this.childNodes = [];
  }

  append(...nodes) {
    for (const node of nodes) {
      if (node instanceof Fragment) this.childNodes.push(...node.childNodes);
      else this.childNodes.push(node);
    }
  }

  get textContent() {
    return this.childNodes.map((c) => c.textContent).join('');
  }

  /** Every element below this node, depth first. */
  *elements() {
    for (const child of this.childNodes) {
      if (child instanceof Element) {
        yield child;
        yield* child.elements();
      }
    }
  }

  get html() {
    return this.childNodes.map((c) => c.html).join('');
  }
}

class Fragment extends Node {}

class Element extends Node {
  constructor(tag) {
    super();
    this.tagName = tag.toUpperCase();
    this.attributes = new Map();
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  get html() {
    const tag = this.tagName.toLowerCase();
    const attributes = [...this.attributes].map(([k, v]) => ` ${k}="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`).join('');
    return ['br', 'hr'].includes(tag) ? `<${tag}${attributes}>` : `<${tag}${attributes}>${super.html}</${tag}>`;
  }
}

class Text {
  constructor(text) {
    this.textContent = String(text);
  }

  get html() {
    return this.textContent.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }
}

export const fakeDocument = {
  createElement: (tag) => new Element(tag),
  createTextNode: (text) => new Text(text),
  createDocumentFragment: () => new Fragment(),
};
