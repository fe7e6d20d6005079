import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpUrl, parseInline, renderMarkdown } from '../../Http/Web/markdown.js';
import { fakeDocument } from './fake-dom.mjs';

const html = (text) => renderMarkdown(text, fakeDocument).html;

test('HTML in the text stays text: no element is made from it', () => {
  const fragment = renderMarkdown('<img src=x onerror=alert(1)>', fakeDocument);
  assert.equal(fragment.textContent, '<img src=x onerror=alert(1)>');
  assert.deepEqual([...fragment.elements()].map((e) => e.tagName), ['P']);
  assert.equal(fragment.html, '<p>&lt;img src=x onerror=alert(1)&gt;</p>');
});

test('HTML inside emphasis, code, headings, lists and fences stays text too', () => {
  const text = '# <b>t</b>\n\n**<script>x</script>** `<i>` \n\n- <a href=javascript:1>y</a>\n\n```html\n<img src=x onerror=alert(1)>\n```';
  const fragment = renderMarkdown(text, fakeDocument);
  const tags = new Set([...fragment.elements()].map((e) => e.tagName));
  for (const tag of ['B', 'SCRIPT', 'I', 'A', 'IMG']) assert.ok(!tags.has(tag), `made a ${tag}`);
  assert.match(fragment.textContent, /<img src=x onerror=alert\(1\)>/);
});

test('paragraphs split at blank lines; single newlines are line breaks', () => {
  assert.equal(html('one\ntwo\n\nthree'), '<p>one<br>two</p><p>three</p>');
});

test('bold, italic and inline code', () => {
  assert.equal(html('**b** and *i* and _i_ and `c*d*`'), '<p><strong>b</strong> and <em>i</em> and <em>i</em> and <code>c*d*</code></p>');
  assert.equal(html('***both***'), '<p><strong><em>both</em></strong></p>');
  assert.equal(html('*a **b** c*'), '<p><em>a <strong>b</strong> c</em></p>');
});

test('stray delimiters, snake_case and arithmetic stay as they are', () => {
  assert.equal(html('2 * 3 * 4, snake_case_name, **open'), '<p>2 * 3 * 4, snake_case_name, **open</p>');
  assert.equal(html('a `b'), '<p>a `b</p>');
});

test('backslash escapes keep punctuation literal', () => {
  assert.equal(html('\\*not em\\*'), '<p>*not em*</p>');
});

test('headings by level', () => {
  assert.equal(html('# One\n### Three ###'), '<h1>One</h1><h3>Three</h3>');
  assert.equal(html('#hashtag'), '<p>#hashtag</p>');
});

test('fenced code keeps its text and indentation, with a language class', () => {
  assert.equal(html('```js\nif (a) {\n  b();\n}\n```\nafter'), '<pre><code class="language-js">if (a) {\n  b();\n}</code></pre><p>after</p>');
  assert.equal(html('~~~\n**x**\n~~~'), '<pre><code>**x**</code></pre>');
});

test('a fence still streaming in renders as code so far', () => {
  assert.equal(html('text\n```py\nprint(1)'), '<p>text</p><pre><code class="language-py">print(1)</code></pre>');
});

test('bullet and numbered lists (any bullet character), with a start number, nesting and continuation lines', () => {
  assert.equal(html('- a\n- b\n  more\n* c'), '<ul><li><p>a</p></li><li><p>b<br>more</p></li><li><p>c</p></li></ul>');
  assert.equal(html('3. three\n4. four'), '<ol start="3"><li><p>three</p></li><li><p>four</p></li></ol>');
  assert.equal(html('1. top\n   - sub\n2. next'), '<ol><li><p>top</p><ul><li><p>sub</p></li></ul></li><li><p>next</p></li></ol>');
  assert.equal(html('Intro:\n- x\n- y'), '<p>Intro:</p><ul><li><p>x</p></li><li><p>y</p></li></ul>');
});

test('block quotes and rules', () => {
  assert.equal(html('> quoted\n> on\n\n---'), '<blockquote><p>quoted<br>on</p></blockquote><hr>');
});

test('links only for http and https, opening with noopener', () => {
  assert.equal(
    html('[docs](https://example.com/a?b=1)'),
    '<p><a href="https://example.com/a?b=1" rel="noopener noreferrer" target="_blank">docs</a></p>',
  );
  assert.equal(html('[x](javascript:alert(1))'), '<p>[x](javascript:alert(1))</p>');
  assert.equal(html('[x](data:text/html,hi)'), '<p>[x](data:text/html,hi)</p>');
  assert.equal(html('[x](/relative)'), '<p>[x](/relative)</p>');
});

test('bare http(s) URLs become links without their closing punctuation', () => {
  assert.equal(
    html('see https://example.com/x.'),
    '<p>see <a href="https://example.com/x" rel="noopener noreferrer" target="_blank">https://example.com/x</a>.</p>',
  );
  assert.equal(html('javascript://x'), '<p>javascript://x</p>');
});

test('a link href is quoted safely even with quotes in it', () => {
  const [link] = parseInline('[a](https://e.com/"onmouseover=x)');
  assert.equal(link.type, 'link');
  assert.equal(link.href, 'https://e.com/%22onmouseover=x');
});

test('httpUrl refuses what is not http(s)', () => {
  assert.equal(httpUrl('HTTPS://E.COM'), 'https://e.com/');
  assert.equal(httpUrl('javascript:alert(1)'), null);
  assert.equal(httpUrl('not a url'), null);
});
