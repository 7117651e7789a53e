import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipText } from './clip.ts';

describe('clipText', () => {
  it('keeps short text whole and cuts long text at the limit', () => {
    assert.equal(clipText('abc', 5), 'abc');
    assert.equal(clipText('abcdef', 3), 'abc');
  });

  it('never leaves half of a surrogate pair at the end', () => {
    const clipped = clipText('ab😀cd', 3);
    assert.equal(clipped, 'ab');
    assert.doesNotMatch(clipped, /[\uD800-\uDBFF]$/);
    assert.equal(clipText('ab😀cd', 4), 'ab😀');
  });
});
