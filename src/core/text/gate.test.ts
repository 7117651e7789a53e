import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeUtf8, decodeUtf8Marked, findTextFault, isCleanText } from './gate.ts';

describe('the text gate', () => {
  it('takes ordinary text in every script, and tab and line breaks only where text spans lines', () => {
    for (const text of ['', 'plain', 'L’été « ensemble » 🌈 & עברית 中文 العربية', 'emoji 👩🏽‍⚕️', '\u200E mark'])
      assert.equal(findTextFault(text, false), null, text);
    assert.equal(findTextFault('two\nlines\r\nand\ta tab', true), null);
    for (const c of ['\n', '\r', '\t']) assert.equal(findTextFault(`a${c}b`, false)?.kind, 'control');
  });

  it('refuses NUL, C0 and C1 controls and DEL, naming the character and where it is', () => {
    assert.deepEqual(findTextFault('ab\u0000c', true), { kind: 'control', position: 3, code: 'U+0000' });
    for (const c of ['\u0001', '\u0008', '\u000B', '\u000C', '\u001B', '\u001F', '\u007F', '\u0085', '\u009F'])
      assert.equal(findTextFault(`x${c}`, true)?.kind, 'control', JSON.stringify(c));
  });

  it('refuses bidirectional overrides and isolates', () => {
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'])
      assert.equal(findTextFault(`x${c}y`, true)?.kind, 'bidi', JSON.stringify(c));
    assert.equal(findTextFault('x\u202Ey', true)?.code, 'U+202E');
  });

  it('refuses lone surrogates as not UTF-8, and keeps pairs', () => {
    assert.equal(findTextFault('a\uD800b', true)?.kind, 'encoding');
    assert.equal(findTextFault('a\uDC00', true)?.kind, 'encoding');
    assert.equal(findTextFault('\uD83C\uDF08', true), null);
    assert.equal(isCleanText('\uD83C\uDF08', false), true);
  });

  it('decodes strictly, or marks each byte that is not UTF-8 where it is', () => {
    assert.equal(decodeUtf8(Buffer.from('été')), 'été');
    for (const bad of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]])
      assert.equal(decodeUtf8(Buffer.from(bad)), undefined, String(bad));
    const marked = decodeUtf8Marked(
      Buffer.concat([Buffer.from('été '), Buffer.from([0xff, 0xc0]), Buffer.from(' 🌈')]),
    );
    assert.equal(marked, 'été \uDCFF\uDCC0 🌈');
    assert.deepEqual(findTextFault(marked, true), { kind: 'encoding', position: 5, code: '0xFF' });
    // Valid text comes back unchanged, whatever it holds.
    const valid = 'a\u0000b 𝄞 \uFFFD';
    assert.equal(decodeUtf8Marked(Buffer.from(valid)), valid);
  });
});
