import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, PROBE_IP, createTestApp, type TestApp } from '../../../test/support/app.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('/metrics without METRICS_TOKEN', () => {
  it('does not exist', async () => {
    const t = await createTestApp('sqlite');
    try {
      assert.equal((await t.inject('/metrics')).statusCode, 404);
      assert.equal(
        (await t.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode,
        404,
      );
    } finally {
      await t.close();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`/metrics with METRICS_TOKEN (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, {
        env: { METRICS_TOKEN: TOKEN },
        extend(app) {
          app.deps.registry.queues.push({ name: 'test_queue', count: async () => 7 });
        },
      });
    });
    after(() => t.close());
    const scrape = (authorization?: string) =>
      t.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });

    it('answers only the bearer of the token', async () => {
      assert.equal((await scrape()).statusCode, 401);
      assert.equal((await scrape(`Bearer ${TOKEN}x`)).statusCode, 401);
      assert.equal((await scrape(`Basic ${TOKEN}`)).statusCode, 401);
      const ok = await scrape(`Bearer ${TOKEN}`);
      assert.equal(ok.statusCode, 200);
      assert.match(String(ok.headers['content-type']), /^text\/plain/);
      assert.equal(ok.headers['cache-control'], 'no-store');
    });

    it('counts requests by route pattern and status, cache hits and misses, queues and the pool', async () => {
      await t.inject('/safety');
      await t.inject('/');
      await t.inject('/');
      await t.inject('/no/such/page?lat=51.501&lon=-0.142');
      const body = (await scrape(`Bearer ${TOKEN}`)).body;
      assert.match(
        body,
        /alongside_http_request_duration_seconds_count\{route="\/safety",method="GET",status="200"\} 1/,
      );
      assert.match(
        body,
        /alongside_http_request_duration_seconds_count\{route="\(no route\)",method="GET",status="404"\} 1/,
      );
      assert.match(body, /alongside_page_cache_requests_total\{result="hit"\} [1-9]/);
      assert.match(body, /alongside_page_cache_requests_total\{result="miss"\} [1-9]/);
      assert.match(body, /alongside_moderation_queue_length\{queue="test_queue"\} 7/);
      for (const queue of [
        'comments_pending',
        'comments_unverified',
        'pledges_pending',
        'resource_suggestions',
        'resource_reports',
        'listings_due_for_verification',
      ]) {
        assert.match(body, new RegExp(`alongside_moderation_queue_length\\{queue="${queue}"\\} \\d+`), queue);
      }
      assert.match(body, /alongside_db_pool_connections\{state="total"\} \d+/);
      assert.match(body, /alongside_process_resident_memory_bytes \d+/);
      for (const secret of ['51.501', '-0.142', 'no/such/page', PROBE_IP, 'AlongsidePrivacyProbe']) {
        assert.ok(!body.includes(secret), `metrics hold nothing of a visitor: ${secret}`);
      }
    });
  });
}
