import { storedXssSuite } from '../support/stored-xss-suite.ts';

// Stored XSS in Chromium on PostgreSQL; xss.e2e.test.ts runs the same on SQLite.
storedXssSuite('postgres');
