import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Dialect } from '../../src/core/db/schema.ts';
import { launchBrowser } from './browser.ts';
import { startLiveServer, type LiveServer } from './server.ts';

export interface Live {
  browser: Browser;
  server: LiveServer;
}

/**
 * Chromium and a live server for the browser tests of the enclosing suite: started before its first
 * test (then `setUp`, for what the suite needs in the database), closed after its last.
 */
export function liveBrowserAndServer(
  dialect: Dialect,
  opts: Parameters<typeof startLiveServer>[1] = {},
  setUp?: (server: LiveServer) => Promise<void>,
): Live {
  const live = {} as Live;
  before(async () => {
    live.browser = await launchBrowser();
    live.server = await startLiveServer(dialect, opts);
    await setUp?.(live.server);
  });
  after(async () => {
    await live.browser?.close();
    await live.server?.close();
  });
  return live;
}
