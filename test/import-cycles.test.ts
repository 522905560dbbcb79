import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies point one way: no file under src/ may reach itself through its imports. A cycle
 * makes the order modules load in decide what is defined when (the bug that had the notifications
 * and job modules register handlers through wrappers), and it hides which part is built on which.
 *
 * Every relative import counts: `import … from`, `import '…'`, `export … from`, and `import(…)`
 * wherever it is called. Type-only imports count too: they vanish at run time, but they are still
 * a dependency of one part on another, and a type cycle becomes a run-time one the day someone
 * imports a value beside the type. The one exception is src/db/schema.ts, the aggregate of every
 * table that Drizzle needs: it imports every module's schema and nothing imports it back to run.
 */
const srcDir = path.resolve(import.meta.dirname, '../src');
const exempt = new Set([path.join(srcDir, 'db/schema.ts')]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The relative imports in a file's text, by any of the forms above (TypeScript's own scanner, so comments and strings are not read as code). */
function relativeImportsIn(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((name) => name.startsWith('./') || name.startsWith('../'));
}

/** The files under src/ that a file imports. */
function importsOf(file: string): string[] {
  return relativeImportsIn(fs.readFileSync(file, 'utf8'))
    .map((name) => path.resolve(path.dirname(file), name))
    .filter((target) => target.startsWith(srcDir) && !exempt.has(target));
}

/** The graph's strongly connected components of more than one file (or a file importing itself): each is a cycle. */
function cyclesIn(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** One loop through a cycle's files, to name in the failure: a → b → … → a. */
function loopThrough(component: string[], graph: Map<string, string[]>): string[] {
  const inside = new Set(component);
  const start = component[0] ?? '';
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift() ?? '';
    for (const next of graph.get(node) ?? []) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const loop = [start];
        for (let at = node; at !== start; at = previous.get(at) ?? start) loop.splice(1, 0, at);
        return [...loop, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return component;
}

describe('the import graph of src/', () => {
  const files = sourceFiles(srcDir).filter((file) => !exempt.has(file));
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const relative = (file: string) => path.relative(srcDir, file);

  it('reads every form of import, and nothing in comments or strings', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      "import './c.ts';",
      "export * from './d.ts';",
      "export { type E } from './e.ts';",
      "async function later() { return (await import('./f.ts')).f; }",
      "// import { g } from './g.ts';",
      'const h = "import { h } from \'./h.ts\'";',
      "import { z } from 'zod';",
    ].join('\n');
    expect(relativeImportsIn(text)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts', './f.ts']);
    expect(files.length).toBeGreaterThan(100);
  });

  it('has no cycle between files', () => {
    const cycles = cyclesIn(graph).map((component) => loopThrough(component, graph).map(relative).join(' → '));
    expect(cycles).toEqual([]);
  });
});
