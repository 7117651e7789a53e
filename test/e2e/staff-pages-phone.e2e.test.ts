import { staffPagesSuite } from '../support/staff-pages-suite.ts';

staffPagesSuite({ width: 390, height: 844 });
