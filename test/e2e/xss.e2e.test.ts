import { storedXssSuite } from '../support/stored-xss-suite.ts';

// Stored XSS in Chromium on SQLite; xss-postgres.e2e.test.ts runs the same on PostgreSQL.
storedXssSuite('sqlite');
