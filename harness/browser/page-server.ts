// A tiny HTTP server on 127.0.0.1 for the peer pages: pages/*.ts served as ES modules after Node's own
// type stripping (no bundler: the browser resolves the pages' sibling imports itself).

import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stripTypeScriptTypes } from 'node:module';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PAGES_DIR = fileURLToPath(new URL('./pages/', import.meta.url));
const PAGE_FILE = /^\/pages\/([\w-]+\.ts)$/;
// The ICE-restart policies run in the page (pages/recovery.ts imports ../../../algorithms/ice-restart/...).
const ICE_RESTART_DIR = fileURLToPath(new URL('../../algorithms/ice-restart/', import.meta.url));
const ICE_RESTART_FILE = /^\/algorithms\/ice-restart\/([\w-]+\.ts)$/;
/** A user module's folder, registered by moduleUrl(): /u/<n>/<file>. Sibling imports resolve in it. */
const USER_FILE = /^\/u\/(\d+)\/([\w.-]+\.(?:ts|mts|js|mjs))$/;
const HTML_PAGES: Record<string, string> = { '/publisher.html': 'publisher.ts', '/subscriber.html': 'subscriber.ts' };

export interface PageServer {
  /** http://127.0.0.1:PORT (no trailing slash). */
  origin: string;
  /** The URL (path) under which the page can import a module file (a user's ICE-restart policy), types stripped. */
  moduleUrl(file: string): string;
  close(): Promise<void>;
}

const cache = new Map<string, string>();

/** A page module as the browser gets it: types stripped, cached for the process. */
export function pageModule(file: string): string {
  return strippedModule(`${PAGES_DIR}${file}`);
}

function strippedModule(path: string, useCache = true): string {
  let js = useCache ? cache.get(path) : undefined;
  if (js === undefined) {
    js = path.endsWith('.ts') || path.endsWith('.mts') ? stripTypes(readFileSync(path, 'utf8')) : readFileSync(path, 'utf8');
    if (useCache) cache.set(path, js);
  }
  return js;
}

export function pageHtml(entry: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>netqoe ${entry}</title></head><body><script type="module" src="/pages/${entry}"></script></body></html>\n`;
}

export async function startPageServer(host = '127.0.0.1'): Promise<PageServer> {
  const userDirs: string[] = [];
  const sendJs = (res: import('node:http').ServerResponse, js: string) =>
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(js);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      const ice = ICE_RESTART_FILE.exec(path);
      if (ice && existsSync(`${ICE_RESTART_DIR}${ice[1]}`)) return void sendJs(res, strippedModule(`${ICE_RESTART_DIR}${ice[1]}`));
      const user = USER_FILE.exec(path);
      const dir = user ? userDirs[Number(user[1])] : undefined;
      if (user && dir !== undefined && existsSync(`${dir}/${user[2]}`)) return void sendJs(res, strippedModule(`${dir}/${user[2]}`, false));
      const entry = HTML_PAGES[path];
      if (entry) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(pageHtml(entry));
        return;
      }
      if (path === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const m = PAGE_FILE.exec(path);
      if (m && existsSync(`${PAGES_DIR}${m[1]}`)) {
        const js = pageModule(m[1]); // before the head: a stripping error must still get its 500
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(js);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    moduleUrl(file) {
      const dir = dirname(file);
      let n = userDirs.indexOf(dir);
      if (n < 0) n = userDirs.push(dir) - 1;
      return `/u/${n}/${basename(file)}`;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Node warns "stripTypeScriptTypes is experimental" on first use; a run's stderr is for the user's problems. */
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
