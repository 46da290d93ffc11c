// `link: netem` in a live scenario, on this machine (no sch_netem; and live WebRTC has no netem path yet):
// `netqoe run` and `netqoe validate` refuse it with exit 2, naming the file and the field, before anything starts.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { probeLinkCapabilities } from '../../harness/run/live-link-backend.ts';
import { netemBackendProblem } from '../../harness/netem/probe.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';

const chromiumPath = requireChromium();
const CALL = `name: live-netem
duration: 5s
mode: live
link: netem
network:
  - { at: 0s, down: 5Mbps, up: 5Mbps, rtt: 40ms }
webrtc: {}
`;

describe('link: netem in a live scenario', () => {
  test.skipIf(!chromiumPath)('netqoe run exits 2 with the probe\'s reason (or "not supported"), writes nothing', async () => {
    const problem = netemBackendProblem(await probeLinkCapabilities());
    const dir = tempDir();
    const file = join(dir, 'live-netem.yaml');
    writeFileSync(file, CALL);
    const r = runCli(['run', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(problem ? `${file}: link: netem: netem is not usable here (${problem})` : `${file}: link: netem is not supported for live WebRTC runs yet`);
    // Refused before anything ran: no output folder at all.
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  test('netqoe validate refuses it too (exit 2), and accepts link: auto', () => {
    const dir = tempDir();
    const file = join(dir, 'live-netem.yaml');
    writeFileSync(file, CALL);
    const bad = runCli(['validate', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}: link: netem is not supported for live WebRTC runs yet; use relay or auto`);
    writeFileSync(file, CALL.replace('link: netem', 'link: auto'));
    const ok = runCli(['validate', file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok /);
  });
});
