import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkUrl, safeHref } from './urls.ts';

describe('the URL check', () => {
  it('takes web addresses and gives them back normalised', () => {
    assert.deepEqual(checkUrl('  https://Example.org  '), { ok: true, url: 'https://example.org/' });
    assert.deepEqual(checkUrl('http://example.org/a?b=c#d'), { ok: true, url: 'http://example.org/a?b=c#d' });
    assert.ok(checkUrl('https://例え.jp/パス').ok);
    assert.ok(checkUrl('http://localhost:3000/').ok);
  });

  it('refuses every other scheme, and disguised ones', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://example.org',
      'blob:https://example.org/x',
    ])
      assert.deepEqual(checkUrl(bad), { ok: false, problem: 'scheme' }, bad);
    for (const bad of [
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0000javascript:alert(1)',
      'https://exa mple.org',
      'https://example.org/\u202Egnp.exe',
      '//example.org',
      'example.org',
      'https:example.org',
      'https:/example.org',
      'https:\\\\example.org',
      'https://',
      'https://[bad',
    ])
      assert.deepEqual(checkUrl(bad), { ok: false, problem: 'notAddress' }, JSON.stringify(bad));
    assert.deepEqual(checkUrl('https://bank.example@evil.example/'), { ok: false, problem: 'notPlain' });
    assert.deepEqual(checkUrl('https://user:pw@example.org/'), { ok: false, problem: 'notPlain' });
    assert.deepEqual(checkUrl(''), { ok: false, problem: 'empty' });
    assert.deepEqual(checkUrl(`https://example.org/${'x'.repeat(2000)}`), { ok: false, problem: 'tooLong' });
    assert.deepEqual(checkUrl('https://example.org/abc', { maxLength: 10 }), { ok: false, problem: 'tooLong' });
  });

  it('wants a named host when asked', () => {
    assert.deepEqual(checkUrl('http://localhost/', { publicHost: true }), { ok: false, problem: 'notAddress' });
    assert.ok(checkUrl('https://www.example.org', { publicHost: true }).ok);
  });

  it('takes mailto and tel only where the field means them', () => {
    assert.deepEqual(checkUrl('mailto:someone@example.org'), { ok: false, problem: 'scheme' });
    assert.ok(checkUrl('mailto:someone@example.org', { schemes: ['mailto'] }).ok);
    assert.ok(checkUrl('mailto:someone@example.org?subject=Hi', { schemes: ['mailto'] }).ok);
    assert.equal(checkUrl('mailto:nobody', { schemes: ['mailto'] }).ok, false);
    assert.ok(checkUrl('tel:+44-20-7946-0999', { schemes: ['tel'] }).ok);
    assert.equal(checkUrl('tel:call-me', { schemes: ['tel'] }).ok, false);
    assert.equal(checkUrl('javascript:alert(1)', { schemes: ['http', 'https', 'mailto', 'tel'] }).ok, false);
  });

  it('gives views an href only for an allowed address', () => {
    assert.equal(safeHref('https://example.org/a'), 'https://example.org/a');
    assert.equal(safeHref(' https://example.org/a '), 'https://example.org/a');
    for (const bad of [null, undefined, '', 'javascript:alert(1)', 'data:,x', 'mailto:a@b.example'])
      assert.equal(safeHref(bad), undefined, String(bad));
    assert.equal(safeHref('mailto:a@b.example', ['mailto']), 'mailto:a@b.example');
  });
});
