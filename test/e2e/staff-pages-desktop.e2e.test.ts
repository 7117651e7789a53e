import { staffPagesSuite } from '../support/staff-pages-suite.ts';

staffPagesSuite({ width: 1280, height: 900 });
