import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linksIn } from './service.ts';

/* The links a comment offers moderators as resource suggestions pass the one URL check (core/text/urls.ts). */
describe('links in a comment', () => {
  it('offers web addresses of named sites, normalised, once each', () => {
    assert.deepEqual(
      linksIn('see https://help.example.org/a, www.other.example.org and https://help.example.org/a again'),
      ['https://help.example.org/a', 'https://www.other.example.org/'],
    );
  });

  it('offers no address with a user name, no bare host and nothing that is not http(s)', () => {
    assert.deepEqual(
      linksIn(
        'https://bank.example@evil.example/login http://intranet/admin javascript:alert(1) data:text/html,x mailto:a@b.example',
      ),
      [],
    );
  });
});
