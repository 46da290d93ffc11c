import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../harness/cli/exit-codes.ts';
import type { ProbeResult } from '../../harness/netem/probe.ts';
import { chooseLiveLinkBackend, liveLinkProblem } from '../../harness/run/live-link-backend.ts';
import { runLiveScenario } from '../../harness/run/run-live.ts';
import { parseScenarioText } from '../../harness/scenario/parse.ts';

const NETEM_UNKNOWN = 'sch_netem not available in this kernel (Error: Specified qdisc kind is unknown.)';
const r = (name: string, ok: boolean, detail: string): ProbeResult => ({ name, ok, detail });
/** An injected probe: netem usable or not; counts its calls. */
function fakeProbe(netemOk: boolean) {
  const p = async () => {
    p.calls++;
    return [r('node', true, 'ok'), r('relay', true, 'ok'), r('netns', true, 'ok'), r('netem', netemOk, netemOk ? 'works' : NETEM_UNKNOWN), r('tbf', true, 'ok'), r('ifb', true, 'ok')];
  };
  p.calls = 0;
  return p;
}
const FILE = '/tmp/calls/live-call.yaml';
const live = (link: string) =>
  parseScenarioText(`name: call\nduration: 5s\nmode: live\nlink: ${link}\nnetwork:\n  - { at: 0s, down: 5Mbps, up: 5Mbps, rtt: 40ms }\nwebrtc: {}\n`, FILE);

describe('chooseLiveLinkBackend (injected probe)', () => {
  it('relay: the relay, without probing', async () => {
    const probe = fakeProbe(false);
    expect(await chooseLiveLinkBackend(live('relay'), probe)).toEqual({ backend: 'relay', why: 'link: relay' });
    expect(probe.calls).toBe(0);
  });

  it("auto where netem is unusable: the relay, with the probe's reason", async () => {
    const c = await chooseLiveLinkBackend(live('auto'), fakeProbe(false));
    expect(c.backend).toBe('relay');
    expect(c.why).toContain(NETEM_UNKNOWN);
  });

  it('auto where netem is usable: still the relay (no netem path for live WebRTC), and it says so', async () => {
    const c = await chooseLiveLinkBackend(live('auto'), fakeProbe(true));
    expect(c.backend).toBe('relay');
    expect(c.why).toMatch(/netem is usable here, but live WebRTC runs do not support netem yet/);
  });

  it("netem where it is unusable: bad input (exit 2) naming the file, the field and the probe's reason", async () => {
    const err = await chooseLiveLinkBackend(live('netem'), fakeProbe(false)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as UserInputError).exitCode).toBe(2);
    expect((err as Error).message).toBe(`${FILE}: link: netem: netem is not usable here (netem: ${NETEM_UNKNOWN}); use link: relay or auto (\`netqoe doctor\` shows what is missing)`);
  });

  it('netem where it is usable: bad input too, never a silent relay', async () => {
    const err = await chooseLiveLinkBackend(live('netem'), fakeProbe(true)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toBe(`${FILE}: link: netem is not supported for live WebRTC runs yet; use relay or auto`);
  });

  it('validate: only a live scenario asking for netem is refused without probing', () => {
    expect(liveLinkProblem(live('netem'))).toContain('link: netem is not supported for live WebRTC runs yet');
    expect(liveLinkProblem(live('auto'))).toBeNull();
    expect(liveLinkProblem({ ...live('netem'), mode: 'sim' })).toBeNull();
  });
});

describe('runLiveScenario and the link backend', () => {
  it('refuses link: netem before anything starts (no relay, no browser: the executable does not even exist)', async () => {
    const probe = fakeProbe(false);
    const err = await runLiveScenario(live('netem'), { probe, executablePath: '/nonexistent/chromium' }).catch((e: unknown) => e);
    expect(probe.calls).toBe(1);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toContain(`${FILE}: link: netem: netem is not usable here`);
  });

  it('records the backend and why in every run, also a crashed one', async () => {
    const runs = await runLiveScenario(live('auto'), { probe: fakeProbe(false), executablePath: '/nonexistent/chromium' });
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('crashed');
    expect(runs[0].link?.backend).toBe('relay');
    expect(runs[0].link?.why).toContain(NETEM_UNKNOWN);
  });
});

describe('the report shows the backend', () => {
  it("in each run's facts, the reason escaped in its title; nothing for a run without it", async () => {
    const { renderHtmlReport } = await import('../../reports/html-report.ts');
    const { syntheticResults } = await import('../helpers/synthetic-results.ts');
    const results = syntheticResults({});
    results.runs[0] = { ...results.runs[0], link: { backend: 'relay', why: 'auto: netem not usable (<netem> "x")' } };
    const html = renderHtmlReport(results);
    expect(html).toContain('<span title="auto: netem not usable (&lt;netem&gt; &quot;x&quot;)">link: relay</span>');
    expect(html.match(/link: relay<\/span>/g)).toHaveLength(1);
  });
});
