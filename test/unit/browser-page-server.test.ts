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
      for (const m of js.matchAll(/from '(\.[^']+)'/g)) expect(m[1], file).toMatch(/^\.\/[\w-]+\.ts$/);
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
});
