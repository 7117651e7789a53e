import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The project's own folder (where package.json, public/ and bin/ are), found by walking up from
 * this module: the same answer whether the code runs from src/ through tsx or from the bundle in dist/.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'alongside'
    ) {
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error('Cannot find the Alongside folder (package.json).');
  }
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const projectPath = (...parts: string[]) => path.join(PROJECT_ROOT, ...parts);
