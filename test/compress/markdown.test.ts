import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { markdown } from '../../src/compress/transforms/markdown.js';
import type { TransformContext } from '../../src/compress/types.js';

const ctx: TransformContext = { level: 'lossless', keep: 1, query: '', queryTerms: new Set(), role: 'user' };

describe('markdown/HTML transform', () => {
  test('compacts tables and drops separator rows', () => {
    const out = markdown({ kind: 'table', text: '| Flag | Default |\n|------|---------|\n| `--retries` | 3 |' }, ctx);
    assert.equal(out.text, 'Flag|Default\n`--retries`|3');
  });

  test('strips emphasis and rules but keeps inline code and headings', () => {
    const out = markdown({ kind: 'markdown', text: '# Title\n\n**bold** and `**not**`\n\n---\n\n- item' }, ctx);
    assert.equal(out.text, '# Title\n\nbold and `**not**`\n\n\n- item');
  });

  test('identifiers with double underscores are not emphasis', () => {
    const t = 'see /envs/marshmallow-code__marshmallow__3.13/lib and __init__ here, **really**';
    assert.equal(markdown({ kind: 'markdown', text: t }, ctx).text, 'see /envs/marshmallow-code__marshmallow__3.13/lib and __init__ here, really');
  });

  test('HTML inside inline code stays', () => {
    const out = markdown({ kind: 'html', text: '<p>Use the `<br>` tag, not <b>two</b> lines.</p>' }, ctx);
    assert.equal(out.text, 'Use the `<br>` tag, not two lines.');
  });

  test('HTML page: doctype, head styles/scripts and navigation markup go, entities are decoded', () => {
    const html = '<!DOCTYPE html><html><head><style>p{x:1}</style></head><body><ul><li>One</li><li>Two</li></ul><p>&copy; 2024 &mdash; &#8364;5 &#x41;</p></body></html>';
    assert.equal(markdown({ kind: 'html', text: html }, ctx).text, 'One\nTwo\n© 2024 — €5 A');
  });

  test('HTML: tags removed, links keep their target, entities decoded, scripts dropped', () => {
    const html = '<div><p>See <a href="https://x.test/doc">the guide</a> &amp; more.</p><script>var a = 1;</script></div>';
    const out = markdown({ kind: 'html', text: html }, ctx);
    assert.equal(out.text, 'See the guide (https://x.test/doc) & more.');
    assert.ok(out.omitted && out.omitted.length > 0);
  });
});
