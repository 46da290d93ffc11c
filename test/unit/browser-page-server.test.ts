import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pageModule, startPageServer } from '../../harness/browser/page-server.ts';
import type { PageServer } from '../../harness/browser/page-server.ts';

const PAGES = fileURLToPath(new URL('../../harness/browser/pages/', import.meta.url));
let server: PageServer;

beforeAll(async () => {
  server = await startPageServer();
});
afterAll(async () => {
  await server.close();
});

describe('page server', () => {
  test('every page module strips to JS: no type syntax left, sibling imports kept with .ts', () => {
    for (const file of readdirSync(PAGES).filter((f) => f.endsWith('.ts'))) {
      const js = pageModule(file);
      expect(js, file).not.toMatch(/^\s*(export\s+)?(interface|type)\s+\w+/m);
      expect(js, file).not.toMatch(/import type/);
      // Siblings, or the ICE-restart policy modules the page server serves (pages/recovery.ts).
      for (const m of js.matchAll(/from '(\.[^']+)'/g)) expect(m[1], file).toMatch(/^(?:\.\/|\.\.\/\.\.\/\.\.\/algorithms\/ice-restart\/)[\w-]+\.ts$/);
    }
  });

  test('serves the two pages, their modules as JavaScript, and nothing else', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const html = await fetch(`${server.origin}/publisher.html`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(await html.text()).toContain('<script type="module" src="/pages/publisher.ts">');
    const js = await fetch(`${server.origin}/pages/negotiation.ts`);
    expect(js.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(await js.text()).toContain('export function negotiate');
    expect((await fetch(`${server.origin}/pages/../session.ts`)).status).toBe(404);
    expect((await fetch(`${server.origin}/pages/nope.ts`)).status).toBe(404);
    expect((await fetch(`${server.origin}/favicon.ico`)).status).toBe(204);
  });

  test('serves the ICE-restart modules and a registered user module folder, stripped; nothing around them', async () => {
    const norm = await fetch(`${server.origin}/algorithms/ice-restart/normalize.ts`);
    expect(norm.status).toBe(200);
    const normJs = await norm.text();
    expect(normJs).toContain('export function toIceRestartFactory');
    expect(normJs).not.toMatch(/import type/);
    const url = server.moduleUrl(fileURLToPath(new URL('../fixtures/ice-policy-class.ts', import.meta.url)));
    expect(url).toMatch(/^\/u\/\d+\/ice-policy-class\.ts$/);
    const user = await fetch(`${server.origin}${url}`);
    expect(user.status).toBe(200);
    expect(await user.text()).toContain("name = 'restart-on-failed'");
    expect((await fetch(`${server.origin}${url.replace('ice-policy-class.ts', 'nope.ts')}`)).status).toBe(404);
    expect((await fetch(`${server.origin}/u/99/x.ts`)).status).toBe(404);
    expect((await fetch(`${server.origin}/algorithms/ice-restart/../registry.ts`)).status).toBe(404);
  });
});
