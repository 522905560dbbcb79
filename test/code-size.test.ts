import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Size limits for the code under src/: a file over 600 lines or a function over 120 has stopped
 * being one thing, and gets split along its seams before it grows further. Tests are not held to
 * this, nor are the demo seeds (src/demo/ and each module's demo.ts): they are long lists of
 * made-up records, read top to bottom.
 */
const maxFileLines = 600;
const maxFunctionLines = 120;

const srcDir = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function excepted(relative: string): boolean {
  return (
    relative.endsWith('.test.ts') ||
    relative.startsWith('demo/') ||
    (relative.startsWith('modules/') && path.basename(relative) === 'demo.ts')
  );
}

const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** The name a function is known by: its own, or that of the variable, property or field it is assigned to. */
function nameOf(node: ts.Node, source: ts.SourceFile): string | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isAccessor(node)) {
    return node.name?.getText(source) ?? 'default';
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return undefined;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.initializer === node ? parent.name.getText(source) : undefined;
  }
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === node) {
    return parent.left.getText(source);
  }
  return undefined;
}

type Measure = { lines: number; limit: number; where: string };

/** Every named function in a file with its length in lines, from its first line to its last. */
function functionsIn(fileName: string, text: string): { name: string; line: number; lines: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: { name: string; line: number; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    const name = nameOf(node, source);
    if (name !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ name, line: first + 1, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function measures(): Measure[] {
  return sourceFiles(srcDir).flatMap((file) => {
    const relative = path.relative(srcDir, file).split(path.sep).join('/');
    if (excepted(relative)) return [];
    const text = fs.readFileSync(file, 'utf8');
    return [
      { lines: lineCount(text), limit: maxFileLines, where: relative },
      ...functionsIn(file, text).map((f) => ({
        lines: f.lines,
        limit: maxFunctionLines,
        where: `${relative}:${f.line} ${f.name}`,
      })),
    ];
  });
}

describe('the size of the code under src/', () => {
  const all = measures();

  it('measures every kind of named function, and nothing passed inline', () => {
    const text = [
      'function declared() {', //
      '  return 1;',
      '}',
      'class Shape {',
      '  area() {',
      '    return 0;',
      '  }',
      '  field = () => 1;',
      '}',
      'const arrow = async () => {',
      '  await later(() => 2);',
      '};',
      'const object = { expression: function () {',
      '  return 3;',
      '} };',
      'exported.handler = () => 4;',
    ].join('\n');
    expect(functionsIn('example.ts', text)).toEqual([
      { name: 'declared', line: 1, lines: 3 },
      { name: 'area', line: 5, lines: 3 },
      { name: 'field', line: 8, lines: 1 },
      { name: 'arrow', line: 10, lines: 3 },
      { name: 'expression', line: 13, lines: 3 },
      { name: 'exported.handler', line: 16, lines: 1 },
    ]);
    expect(all.length).toBeGreaterThan(1000);
  });

  it(`has no file over ${maxFileLines} lines and no function over ${maxFunctionLines}`, () => {
    const over = all.filter((m) => m.lines > m.limit).map((m) => `${m.where}: ${m.lines} lines (limit ${m.limit})`);
    expect(over).toEqual([]);
  });
});
