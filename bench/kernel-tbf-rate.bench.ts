// Kernel shaping accuracy of the netem backend's bottleneck (tbf child, docs/link-backends.md): UDP at 1.5x
// the rate across the two namespaces, delivered rate per 1 s window vs the configured rate, at 1, 10 and
// 50 Mbit/s. Needs root (namespaces); where sch_netem is missing the plan runs without netem (rate + queue
// only), which is what this bench measures anyway. Prints figures; never fails on them.
import { buildLinkModel } from '../harness/link/link-model.ts';
import { startTcPlan, type StepPlan } from '../harness/netem/apply.ts';
import { findProbe, probeCapabilities } from '../harness/netem/probe.ts';
import { runCommand } from '../harness/netem/run-command.ts';
import { compileTcPlan, FRAME_BYTES, inNamespace, PACKET_BYTES, type TcPlan } from '../harness/netem/tc-compiler.ts';
import type { Scenario } from '../harness/scenario/types.ts';

const SECONDS = 4;
const PAYLOAD = PACKET_BYTES - 28; // a 1500-byte IP packet

function constantScenario(bps: number): Scenario {
  const dir = {
    capacity: { kind: 'constant' as const, bps },
    delayMs: 0,
    jitter: { ms: 0, distribution: 'uniform' as const, reorder: false },
    loss: { model: 'none' as const },
    queue: { limit: 100, unit: 'packets' as const, discipline: 'droptail' as const },
  };
  return {
    file: 'bench', name: `tbf-${bps}`, description: '', durationMs: 60_000, seed: 1, mode: 'live', link: 'netem',
    network: [{ name: 'p', atMs: 0, preset: null, down: dir, up: dir }], events: [],
    media: { source: 'ladder', manifestFile: null, segmentDurationMs: 4000, segmentCount: 1, rungs: [{ bitrateBps: 1e6, width: 640, height: 360, fps: 30 }], segmentSizesBits: [[4e6]], bufferMaxMs: 30_000, startupBufferMs: 4000 },
    algorithms: { abr: ['throughput'], bwe: [], iceRestart: [] }, expect: [],
  };
}

/** Without sch_netem: tbf at the root of each device instead of as netem's child. */
function withoutNetem(plan: TcPlan): StepPlan {
  const strip = (cmds: string[][]) =>
    cmds
      .filter((c) => !c.includes('netem'))
      .map((c) => (c.includes('tbf') ? c.flatMap((a, i) => (a === 'parent' && c[i + 1] === '1:1' ? ['root'] : a === '1:1' && c[i - 1] === 'parent' ? [] : [a])) : c));
  return { durationMs: plan.durationMs, setup: { ...plan.setup, commands: strip(plan.setup.commands) }, updates: [], teardown: plan.teardown };
}

async function measure(bps: number, netem: boolean): Promise<number[]> {
  const s = constantScenario(bps);
  const plan = compileTcPlan(s, buildLinkModel(s), { runId: `bench${process.pid}` });
  const h = await startTcPlan(netem ? plan : withoutNetem(plan), { teardownAtEnd: false });
  try {
    const port = 9100;
    const addr = plan.topology.serverAddr;
    const receiver =
      `const s=require('dgram').createSocket('udp4');const w=[];let t0=null;` +
      `s.on('message',m=>{const t=performance.now();if(t0===null)t0=t;const i=Math.floor((t-t0)/1000);w[i]=(w[i]??0)+m.length;});` +
      `s.bind(${port},'${addr}');setTimeout(()=>{console.log(JSON.stringify(w));process.exit(0)},${SECONDS * 1000 + 1500});`;
    // Paced at 1.5x the rate from a 1 ms timer, counting sent bytes against the clock.
    const sender =
      `const s=require('dgram').createSocket('udp4');const b=Buffer.alloc(${PAYLOAD});const rate=${bps * 1.5}/8;` +
      `const t0=performance.now();let sent=0;const iv=setInterval(()=>{const el=(performance.now()-t0)/1000;` +
      `while(sent<rate*el){s.send(b,${port},'${addr}');sent+=${FRAME_BYTES};}if(el>${SECONDS})clearInterval(iv),setTimeout(()=>process.exit(0),100);},1);`;
    const rx = runCommand(inNamespace(plan.topology, 'server', [process.execPath, '-e', receiver]));
    await new Promise((r) => setTimeout(r, 300));
    await runCommand(inNamespace(plan.topology, 'client', [process.execPath, '-e', sender]));
    const out = await rx;
    const windows: (number | null)[] = JSON.parse(out.stdout || '[]');
    // Full windows after the first (the queue fills in the first), payload bytes -> bits at the frame size.
    return windows.slice(1, SECONDS).map((b) => (((b ?? 0) * 8) / PAYLOAD) * FRAME_BYTES);
  } finally {
    await h.stop();
  }
}

const probe = await probeCapabilities({ skip: ['chromium', 'ffmpeg', 'iperf3'] });
if (!findProbe(probe, 'netns')?.ok || !findProbe(probe, 'tbf')?.ok || !findProbe(probe, 'ifb')?.ok) {
  console.log(`skipped: ${['netns', 'tbf', 'ifb'].map((n) => findProbe(probe, n)).find((r) => !r?.ok)?.detail}`);
  process.exit(0);
}
const netem = findProbe(probe, 'netem')?.ok === true;
console.log(`kernel tbf bottleneck (${netem ? 'netem + tbf' : 'tbf only: sch_netem missing'}), UDP at 1.5x, ${SECONDS - 1} full 1 s windows`);
console.log('rate        windows (frame-level Mbit/s)              median error');
for (const bps of [1e6, 10e6, 50e6]) {
  const rates = await measure(bps, netem);
  const errs = rates.map((r) => Math.abs(r - bps) / bps).sort((a, b) => a - b);
  const median = errs[errs.length >> 1];
  console.log(
    `${String(bps / 1e6).padStart(3)} Mbit/s  ${rates.map((r) => (r / 1e6).toFixed(3)).join('  ').padEnd(40)}  ${(median * 100).toFixed(2)}% (target <= 2%)`,
  );
}
