// Turns reports/client/*.ts into one inline script at render time: Node's own type stripping, then the
// sibling imports are resolved by concatenating files in dependency order inside one function scope.
// A ten-line bundler instead of a bundler dependency; it only has to handle our own client files.
import { readFileSync } from 'node:fs';
import { createRequire, stripTypeScriptTypes } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));
const ENTRY = 'main.ts';

/** `import { a, b } from './x.ts';` left after stripping (type-only imports are gone by then). */
const SIBLING_IMPORT = /^import\s*\{([^}]*)\}\s*from\s*'\.\/([\w-]+\.ts)';?[ \t]*$/gm;
const OTHER_IMPORT = /^import\s/m;
const TOP_LEVEL_NAME = /^(?:export\s+)?(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/gm;

let cachedBundle: string | null = null;
let cachedD3: string | null = null;

/** The client code as plain JS, wrapped in one IIFE. Cached for the process. */
export function clientBundle(): string {
  cachedBundle ??= bundleClient(CLIENT_DIR, ENTRY);
  return cachedBundle;
}

/** d3's UMD build (defines the global d3), read from node_modules. */
export function d3Source(): string {
  if (cachedD3 === null) {
    // d3's exports map has only '.', which resolves to dist/d3.mjs; the UMD build sits beside it.
    const entry = createRequire(import.meta.url).resolve('d3');
    cachedD3 = readFileSync(join(dirname(entry), 'd3.min.js'), 'utf8');
  }
  return cachedD3;
}

export function bundleClient(dir: string, entry: string): string {
  const ordered: { file: string; js: string }[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (file: string) => {
    if (done.has(file)) return;
    if (visiting.has(file)) throw new Error(`client import cycle through ${file}`);
    visiting.add(file);
    const js = stripTypes(readFileSync(join(dir, file), 'utf8'));
    const deps: string[] = [];
    const body = js.replace(SIBLING_IMPORT, (_m, names: string, dep: string) => {
      if (/\bas\b/.test(names)) throw new Error(`${file}: renamed imports are not supported by the report bundler`);
      deps.push(dep);
      return '';
    });
    if (OTHER_IMPORT.test(body)) throw new Error(`${file}: the report client may only import sibling files (d3 is a global)`);
    for (const dep of deps) visit(dep);
    visiting.delete(file);
    done.add(file);
    ordered.push({ file, js: body.replace(/^export\s*\{\s*\};?\s*$/gm, '').replace(/^export\s+/gm, '') });
  };
  visit(entry);
  assertNoDuplicateNames(ordered);
  const parts = ordered.map(({ file, js }) => `// --- ${file}\n${js.trim()}\n`);
  return `(function () {\n'use strict';\n${parts.join('\n')}})();\n//# sourceURL=netqoe-report-client.js\n`;
}

/**
 * Node's stripTypeScriptTypes warns "experimental" on first use; a report build must print nothing
 * (the CLI's stderr is for the user's problems), so that one warning is muted around the call.
 */
function stripTypes(source: string): string {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('stripTypeScriptTypes')) return;
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** Concatenation shares one scope: two files declaring the same top-level name would clash at run time. */
function assertNoDuplicateNames(files: readonly { file: string; js: string }[]): void {
  const owner = new Map<string, string>();
  for (const { file, js } of files) {
    for (const m of js.matchAll(TOP_LEVEL_NAME)) {
      const prev = owner.get(m[1]);
      if (prev) throw new Error(`report client: top-level name ${m[1]} is declared in both ${prev} and ${file}`);
      owner.set(m[1], file);
    }
  }
}
