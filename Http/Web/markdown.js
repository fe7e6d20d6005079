// A small Markdown renderer for chat answers: paragraphs, headings, **bold**, *italic*, `code`, fenced code blocks,
// lists, block quotes, rules and http(s) links. Whatever the model or the user writes stays text: parsing yields a
// tree of plain strings, and rendering builds DOM nodes from it with createTextNode, never innerHTML, so
// `<img src=x onerror=alert(1)>` shows as those characters. Unclosed constructs (a fence still streaming in)
// render as far as they go.

const FENCE = /^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*))?$/;
const ESCAPABLE = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const LINK = /^\[([^\]\n]*)\]\(\s*([^\s()]+)\s*\)/;
const BARE_URL = /^https?:\/\/[^\s<>()"']*[^\s<>()"'.,;:!?]/;

/** The block tree of a Markdown text. */
export function parseMarkdown(text) {
  const lines = String(text).replace(/\r\n?/g, '\n').split('\n').map(expandLeadingTabs);
  return parseBlocks(lines);
}

function expandLeadingTabs(line) {
  const indent = /^[ \t]*/.exec(line)[0];
  return indent.includes('\t') ? indent.replace(/\t/g, '    ') + line.slice(indent.length) : line;
}

const isBlank = (line) => line.trim() === '';
const indentOf = (line) => /^ */.exec(line)[0].length;
const startsBlock = (line) => FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);

function parseBlocks(lines) {
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (isBlank(line)) {
      i++;
    } else if ((m = FENCE.exec(line))) {
      const [, indent, fence, lang] = m;
      const body = [];
      for (i++; i < lines.length && !closesFence(lines[i], fence); i++) body.push(dedent(lines[i], indent.length));
      i++;
      blocks.push({ type: 'code', lang, text: body.join('\n') });
    } else if ((m = HEADING.exec(line))) {
      blocks.push({ type: 'heading', level: m[1].length, inline: parseInline(m[2]) });
      i++;
    } else if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i++;
    } else if (QUOTE.test(line)) {
      const quoted = [];
      for (; i < lines.length && (m = QUOTE.exec(lines[i])); i++) quoted.push(m[1]);
      blocks.push({ type: 'quote', blocks: parseBlocks(quoted) });
    } else if (LIST_ITEM.test(line)) {
      i = parseList(lines, i, blocks);
    } else {
      const paragraph = [line.trim()];
      for (i++; i < lines.length && !isBlank(lines[i]) && !startsBlock(lines[i]); i++) paragraph.push(lines[i].trim());
      blocks.push({ type: 'paragraph', inline: parseInline(paragraph.join('\n')) });
    }
  }
  return blocks;
}

function closesFence(line, fence) {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return m !== null && m[1][0] === fence[0] && m[1].length >= fence.length;
}

function dedent(line, n) {
  return line.slice(Math.min(n, indentOf(line)));
}

/** One list from lines[start]; its items' lines, dedented, are parsed as blocks (so lists nest). Returns the next line. */
function parseList(lines, start, blocks) {
  const first = LIST_ITEM.exec(lines[start]);
  const ordered = /\d/.test(first[2]);
  const baseIndent = first[1].length;
  const list = { type: 'list', ordered, start: ordered ? parseInt(first[2], 10) : 1, items: [] };
  let i = start;
  for (;;) {
    const m = LIST_ITEM.exec(lines[i]);
    const contentIndent = m[1].length + m[2].length + Math.min((m[3] ?? ' ').length, 4);
    const item = [m[4] ?? ''];
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      if (isBlank(line)) {
        // A blank line stays in the item only if the item goes on after it.
        let next = i + 1;
        while (next < lines.length && isBlank(lines[next])) next++;
        if (next >= lines.length || indentOf(lines[next]) <= baseIndent) break;
        item.push('');
      } else if (indentOf(line) > baseIndent) {
        item.push(dedent(line, contentIndent));
      } else if (!startsBlock(line) && !isBlank(item[item.length - 1])) {
        item.push(line.trim());
      } else {
        break;
      }
    }
    list.items.push(parseBlocks(item));
    let next = i;
    while (next < lines.length && isBlank(lines[next])) next++;
    const m2 = next < lines.length ? LIST_ITEM.exec(lines[next]) : null;
    if (!m2 || RULE.test(lines[next]) || m2[1].length !== baseIndent || /\d/.test(m2[2]) !== ordered) break;
    i = next;
  }
  blocks.push(list);
  return i;
}

/** The inline nodes of a paragraph: text, break, code, strong, em and link (http and https only). */
export function parseInline(text) {
  const nodes = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') nodes.push({ type: 'text', text: plain });
    plain = '';
  };
  const push = (node) => {
    flush();
    nodes.push(node);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const rest = text.slice(i);
    let m;
    if (c === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
      plain += text[i + 1];
      i += 2;
    } else if (c === '\n') {
      push({ type: 'break' });
      i++;
    } else if (c === '`') {
      const run = runLength(text, i, c);
      const close = findCodeClose(text, i + run, run);
      if (close < 0) {
        plain += text.slice(i, i + run);
        i += run;
      } else {
        push({ type: 'code', text: codeSpanText(text.slice(i + run, close)) });
        i = close + run;
      }
    } else if ((c === '*' || c === '_') && (m = emphasis(text, i, c))) {
      push({ type: m.type, children: parseInline(text.slice(m.innerStart, m.innerEnd)) });
      i = m.end;
    } else if (c === '[' && (m = LINK.exec(rest)) && httpUrl(m[2])) {
      push({ type: 'link', href: httpUrl(m[2]), children: parseInline(m[1]) });
      i += m[0].length;
    } else if (c === 'h' && !/\w/.test(text[i - 1] ?? '') && (m = BARE_URL.exec(rest)) && httpUrl(m[0])) {
      push({ type: 'link', href: httpUrl(m[0]), children: [{ type: 'text', text: m[0] }] });
      i += m[0].length;
    } else {
      plain += c;
      i++;
    }
  }
  flush();
  return nodes;
}

function runLength(text, i, c) {
  let n = 0;
  while (text[i + n] === c) n++;
  return n;
}

function findCodeClose(text, from, run) {
  for (let j = text.indexOf('`', from); j >= 0; j = text.indexOf('`', j)) {
    const n = runLength(text, j, '`');
    if (n === run) return j;
    j += n;
  }
  return -1;
}

function codeSpanText(inner) {
  const text = inner.replace(/\n/g, ' ');
  return /^ .*[^ ].* $/.test(text) ? text.slice(1, -1) : text;
}

/**
 * Strong (a double delimiter) or em (a single one) opening at i, if it closes: the opener is followed and the closer
 * preceded by non-space; '_' must not stand inside a word (snake_case stays as it is).
 */
function emphasis(text, i, c) {
  const run = runLength(text, i, c);
  const size = run >= 2 ? 2 : 1;
  const innerStart = i + size;
  if (/\s/.test(text[innerStart] ?? ' ')) return null;
  if (c === '_' && /\w/.test(text[i - 1] ?? '')) return null;
  for (let j = text.indexOf(c, innerStart + 1); j >= 0; ) {
    const n = runLength(text, j, c);
    // A longer closing run gives its last delimiters, so `***x***` is strong around em.
    const close = j + n - size;
    const fits = size === 2 ? n >= 2 : n === 1 || n >= 3;
    if (fits && close > innerStart && !/\s/.test(text[close - 1]) && !(c === '_' && /\w/.test(text[close + size] ?? ''))) {
      return { type: size === 2 ? 'strong' : 'em', innerStart, innerEnd: close, end: close + size };
    }
    j = text.indexOf(c, j + n);
  }
  return null;
}

/** The URL as the browser would follow it, if it is http or https; else null (javascript:, data: ... stay text). */
export function httpUrl(href) {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The DOM of a Markdown text, built with createElement and createTextNode only. */
export function renderMarkdown(text, doc = globalThis.document) {
  const fragment = doc.createDocumentFragment();
  for (const block of parseMarkdown(text)) fragment.append(renderBlock(block, doc));
  return fragment;
}

function element(doc, tag, children = []) {
  const node = doc.createElement(tag);
  for (const child of children) node.append(child);
  return node;
}

function renderBlock(block, doc) {
  switch (block.type) {
    case 'paragraph':
      return element(doc, 'p', renderInline(block.inline, doc));
    case 'heading':
      return element(doc, `h${block.level}`, renderInline(block.inline, doc));
    case 'rule':
      return element(doc, 'hr');
    case 'quote':
      return element(doc, 'blockquote', block.blocks.map((b) => renderBlock(b, doc)));
    case 'code': {
      const code = element(doc, 'code', [doc.createTextNode(block.text)]);
      if (/^[\w+#.-]+$/.test(block.lang)) code.setAttribute('class', `language-${block.lang}`);
      return element(doc, 'pre', [code]);
    }
    case 'list': {
      const list = element(doc, block.ordered ? 'ol' : 'ul', block.items.map((item) => element(doc, 'li', item.map((b) => renderBlock(b, doc)))));
      if (block.ordered && block.start !== 1) list.setAttribute('start', String(block.start));
      return list;
    }
    default:
      throw new Error(`unknown block ${block.type}`);
  }
}

function renderInline(nodes, doc) {
  return nodes.map((node) => {
    switch (node.type) {
      case 'text':
        return doc.createTextNode(node.text);
      case 'break':
        return element(doc, 'br');
      case 'code':
        return element(doc, 'code', [doc.createTextNode(node.text)]);
      case 'strong':
      case 'em':
        return element(doc, node.type, renderInline(node.children, doc));
      case 'link': {
        const a = element(doc, 'a', renderInline(node.children, doc));
        a.setAttribute('href', node.href);
        a.setAttribute('rel', 'noopener noreferrer');
        a.setAttribute('target', '_blank');
        return a;
      }
      default:
        throw new Error(`unknown inline ${node.type}`);
    }
  });
}
