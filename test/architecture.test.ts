import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

/*
 * The house rules for imports, checked on every run: core stands below every feature and the
 * composition root; features stand side by side and use each other only through a service; `src`
 * never depends on tests or benchmarks; and no import loop exists anywhere in `src`.
 */
const ROOT = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(rel, out);
    else if (/\.tsx?$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Every relative import of a file (static, dynamic and type-only), as paths from the root. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.normalize(path.join(path.dirname(file), name)));
}

const files = sourceFiles('src');
const graph = new Map(files.map((f) => [f, importsOf(f)]));

const featureOf = (file: string) => /^src\/features\/([^/]+)\//.exec(file)?.[1];
const isTestFile = (file: string) => /\.test\.tsx?$/.test(file);

/** Import edges (from → to) that break `rule`, as readable lines. */
function violations(rule: (from: string, to: string) => boolean): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) for (const to of targets) if (rule(from, to)) out.push(`${from} → ${to}`);
  return out;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function loops(): string[][] {
  let index = 0;
  const stack: string[] = [];
  const meta = new Map<string, { index: number; low: number; onStack: boolean }>();
  const found: string[][] = [];
  const visit = (v: string) => {
    const m = { index, low: index, onStack: true };
    index++;
    meta.set(v, m);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      const seen = meta.get(w);
      if (!seen) {
        visit(w);
        m.low = Math.min(m.low, meta.get(w)!.low);
      } else if (seen.onStack) m.low = Math.min(m.low, seen.index);
    }
    if (m.low === m.index) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        meta.get(w)!.onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const f of files.filter((f) => !isTestFile(f))) if (!meta.has(f)) visit(f);
  return found;
}

describe('the import rules of the house', () => {
  it('reads the whole tree', () => {
    assert.ok(files.length > 100, `found ${files.length} source files`);
    assert.ok(graph.get('src/server.ts')!.includes('src/core/app.ts'), 'imports are resolved to paths');
  });

  it('core imports no feature, no composition root and no command line', () => {
    const bad = violations(
      (from, to) =>
        from.startsWith('src/core/') &&
        (to.startsWith('src/features/') || to.startsWith('src/demo/') || to === 'src/server.ts' || to === 'src/cli.ts'),
    );
    assert.deepEqual(bad, []);
  });

  it('a feature uses another feature only through its service', () => {
    const bad = violations((from, to) => {
      const a = featureOf(from);
      const b = featureOf(to);
      return !!a && !!b && a !== b && !isTestFile(from) && path.basename(to) !== 'service.ts';
    });
    assert.deepEqual(bad, []);
  });

  it('src imports neither tests nor benchmarks', () => {
    const bad = violations(
      (from, to) => !isTestFile(from) && (to.startsWith('test/') || to.startsWith('bench/') || isTestFile(to)),
    );
    assert.deepEqual(bad, []);
  });

  it('has no import loops', () => {
    assert.deepEqual(loops(), []);
  });

  it('finds a loop and a forbidden edge when there is one (the checks can fail)', () => {
    graph.set('src/core/__probe_a.ts', ['src/core/__probe_b.ts', 'src/features/posts/service.ts']);
    graph.set('src/core/__probe_b.ts', ['src/core/__probe_a.ts']);
    files.push('src/core/__probe_a.ts', 'src/core/__probe_b.ts');
    try {
      assert.ok(loops().some((c) => c.includes('src/core/__probe_a.ts')));
      assert.ok(violations((from, to) => from === 'src/core/__probe_a.ts' && to.startsWith('src/features/')).length);
    } finally {
      graph.delete('src/core/__probe_a.ts');
      graph.delete('src/core/__probe_b.ts');
      files.splice(files.indexOf('src/core/__probe_a.ts'), 2);
    }
  });
});
