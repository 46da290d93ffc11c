import { describe, expect, it } from 'vitest';
import { doctorCommand, doctorReport, formatDoctorTable } from '../../harness/cli/commands/doctor.ts';
import { chooseLinkBackend, LinkBackendUnavailableError } from '../../harness/netem/choose-backend.ts';
import { defaultPathOk, findProbe, netemBackendProblem, probeCapabilities, type ProbeResult } from '../../harness/netem/probe.ts';
import type { CommandResult } from '../../harness/netem/run-command.ts';

const NETEM_UNKNOWN = 'Error: Specified qdisc kind is unknown.';

/** A fake ip/tc: answers by pattern, records every call. */
function fakeKernel(answers: { match: (argv: string[]) => boolean; code: number; stderr: string }[]) {
  const calls: string[][] = [];
  const run = async (argv: string[]): Promise<CommandResult> => {
    calls.push(argv);
    const a = answers.find((x) => x.match(argv));
    return { argv, code: a?.code ?? 0, stdout: '', stderr: a?.stderr ?? '', ms: 0 };
  };
  return { run, calls };
}
const isNetemAdd = (argv: string[]) => argv[0] === 'tc' && argv.includes('netem');
const probeOnlyKernel = (run: (argv: string[]) => Promise<CommandResult>, isRoot = true) =>
  probeCapabilities({ run, isRoot, skip: ['chromium', 'ffmpeg', 'iperf3'], env: { PATH: '/nonexistent' } });

describe('kernel probe (fake ip/tc)', () => {
  it("reports the kernel's own message when sch_netem is missing, and the rest of the kernel path", async () => {
    const k = fakeKernel([{ match: isNetemAdd, code: 2, stderr: NETEM_UNKNOWN }]);
    const results = await probeOnlyKernel(k.run);
    expect(findProbe(results, 'netem')).toMatchObject({ ok: false, detail: `sch_netem not available in this kernel (${NETEM_UNKNOWN})` });
    expect(findProbe(results, 'netem')?.fix).toMatch(/modprobe sch_netem/);
    for (const n of ['netns', 'tbf', 'htb', 'ifb']) expect(findProbe(results, n)?.ok).toBe(true);
    // Without netem, tbf is tried on its own (on lo), not as netem's child.
    expect(k.calls.find((c) => c.includes('tbf'))).toContain('lo');
  });

  it('creates one throwaway namespace and deletes it last, even when a step fails', async () => {
    const k = fakeKernel([{ match: isNetemAdd, code: 2, stderr: NETEM_UNKNOWN }]);
    await probeOnlyKernel(k.run);
    const added = k.calls.filter((c) => c.join(' ').startsWith('ip netns add'));
    expect(added).toHaveLength(1);
    const ns = added[0][3];
    expect(ns).toMatch(/^nqprobe-/);
    expect(k.calls[k.calls.length - 1]).toEqual(['ip', 'netns', 'del', ns]);
    // Everything in between runs inside that namespace.
    for (const c of k.calls.slice(1, -1)) expect(c.slice(1, 3)).toEqual(['-n', ns]);
  });

  it('without root: namespaces fail with the reason, the rest is not checked, and nothing is left to delete', async () => {
    const k = fakeKernel([{ match: (a) => a.join(' ').startsWith('ip netns add'), code: 1, stderr: 'mount --make-shared /run/netns failed: Operation not permitted' }]);
    const results = await probeOnlyKernel(k.run, false);
    expect(findProbe(results, 'netns')).toMatchObject({ ok: false });
    expect(findProbe(results, 'netns')?.detail).toContain('Operation not permitted');
    expect(findProbe(results, 'netns')?.fix).toMatch(/root|CAP_NET_ADMIN/);
    expect(findProbe(results, 'netem')?.detail).toMatch(/not checked/);
    expect(k.calls).toHaveLength(1);
  });

  it('iproute2 missing', async () => {
    const k = fakeKernel([{ match: () => true, code: 127, stderr: 'ip: not found' }]);
    const results = await probeOnlyKernel(k.run);
    expect(findProbe(results, 'netem')).toMatchObject({ ok: false, detail: 'ip (iproute2) is not installed' });
  });

  it('with everything present netem is usable and tbf is tried as its child', async () => {
    const k = fakeKernel([]);
    const results = await probeOnlyKernel(k.run);
    expect(netemBackendProblem(results)).toBeNull();
    expect(k.calls.find((c) => c.includes('tbf'))).toEqual(expect.arrayContaining(['parent', '1:1']));
    // throttle is not installed here (PATH is empty).
    expect(findProbe(results, 'throttle')).toMatchObject({ ok: false });
  });

  it('relay and node are always probed, and they make the default path', async () => {
    const results = await probeOnlyKernel(fakeKernel([{ match: isNetemAdd, code: 2, stderr: NETEM_UNKNOWN }]).run);
    expect(findProbe(results, 'relay')?.ok).toBe(true);
    expect(findProbe(results, 'node')?.ok).toBe(true);
    expect(defaultPathOk(results)).toBe(true);
  });
});

const r = (name: string, ok: boolean, detail = ok ? 'works' : `${name} broken`): ProbeResult => ({ name, ok, detail });
const withNetem = (netemOk: boolean) => [r('node', true), r('relay', true), r('netns', true), r('netem', netemOk, netemOk ? 'ok' : `sch_netem not available in this kernel (${NETEM_UNKNOWN})`), r('tbf', true), r('ifb', true)];

describe('chooseLinkBackend', () => {
  it('auto: netem when usable, else the relay with the reason', () => {
    expect(chooseLinkBackend('auto', withNetem(true)).backend).toBe('netem');
    const c = chooseLinkBackend('auto', withNetem(false));
    expect(c.backend).toBe('relay');
    expect(c.why).toContain(NETEM_UNKNOWN);
  });

  it('relay is always the relay', () => {
    expect(chooseLinkBackend('relay', withNetem(true))).toEqual({ backend: 'relay', why: 'relay requested' });
  });

  it('netem where it is absent is an error naming the reason, exit code 2', () => {
    expect(chooseLinkBackend('netem', withNetem(true)).backend).toBe('netem');
    let err: unknown;
    try {
      chooseLinkBackend('netem', withNetem(false));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LinkBackendUnavailableError);
    expect((err as LinkBackendUnavailableError).exitCode).toBe(2);
    expect((err as Error).message).toContain('sch_netem not available in this kernel');
  });

  it('netem also needs namespaces, tbf and ifb', () => {
    const noIfb = withNetem(true).map((x) => (x.name === 'ifb' ? r('ifb', false, 'no ifb') : x));
    expect(() => chooseLinkBackend('netem', noIfb)).toThrow(/ifb: no ifb/);
  });
});

describe('netqoe doctor', () => {
  it('prints a table with marks, details and fixes; exit 0 when relay + sim work', async () => {
    let out = '';
    const results = [...withNetem(false).map((x) => (x.name === 'netem' ? { ...x, fix: 'modprobe sch_netem' } : x))];
    const code = await doctorCommand({ probe: async () => results, write: (s) => (out += s) });
    expect(code).toBe(0);
    expect(out).toMatch(/^✓ node /m);
    expect(out).toMatch(/^✗ netem +sch_netem not available in this kernel \(Error: Specified qdisc kind is unknown\.\)$/m);
    expect(out).toMatch(/^ +fix: modprobe sch_netem$/m);
    expect(out).toContain('link: auto -> relay');
  });

  it('exit 2 when the default path is broken; --json prints the report', async () => {
    let out = '';
    const results = [r('node', true), r('relay', false, 'cannot open loopback sockets')];
    const code = await doctorCommand({ json: true, probe: async () => results, write: (s) => (out += s) });
    expect(code).toBe(2);
    const parsed = JSON.parse(out);
    expect(parsed.defaultPathOk).toBe(false);
    expect(parsed.results).toEqual(results);
    expect(parsed.linkAuto.backend).toBe('relay');
    expect(formatDoctorTable(doctorReport(results))).toContain('BROKEN');
  });
});
