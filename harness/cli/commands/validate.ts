// `netqoe validate`: parse scenario files and load the algorithm files they name, without running them.
import { dirname } from 'node:path';
import { loadAbr } from '../../../algorithms/abr/load-user.ts';
import { abrNames } from '../../../algorithms/abr/registry.ts';
import { loadBwe } from '../../../algorithms/bwe/load-user.ts';
import { bweNames } from '../../../algorithms/bwe/registry.ts';
import { loadIceRestart } from '../../../algorithms/ice-restart/load-user.ts';
import { loadLayerSelector } from '../../../algorithms/layer/load-user.ts';
import { layerSelectorNames } from '../../../algorithms/layer/registry.ts';
import { loadScenario } from '../../scenario/parse.ts';
import { EXIT_BAD_INPUT, EXIT_OK, isUserInputError, UserInputError } from '../exit-codes.ts';
import { liveLinkProblem } from '../../run/live-link-backend.ts';

export async function validateCommand(files: string[]): Promise<number> {
  let bad = 0;
  for (const file of files) {
    try {
      const s = loadScenario(file, { abrNames: abrNames(), bweNames: bweNames(), layerNames: layerSelectorNames() });
      const linkProblem = liveLinkProblem(s);
      if (linkProblem) throw new UserInputError(linkProblem);
      // User algorithm files are loaded and checked against their interface, as `run` does before running
      // (relative to the scenario's folder); the same errors, exit 2.
      const baseDir = dirname(s.file);
      for (const spec of s.algorithms.abr) await loadAbr(spec, baseDir);
      for (const spec of s.algorithms.bwe) await loadBwe(spec, baseDir);
      for (const spec of s.algorithms.iceRestart) await loadIceRestart(spec, baseDir);
      for (const spec of s.algorithms.layer ?? []) await loadLayerSelector(spec, baseDir);
      process.stdout.write(
        `ok   ${file}: "${s.name}", ${s.durationMs / 1000} s, ${s.network.length} phase(s), ${s.events.length} event(s), ` +
          `${s.webrtc ? `live: ${s.webrtc.publishers.length} publisher(s), ${s.webrtc.subscribers.length} subscriber(s)` : `${s.media.segmentCount} segments`}, ` +
          `${algorithmsText(s.algorithms)}, ${s.expect.length} expectation(s)\n`,
      );
    } catch (err) {
      if (!isUserInputError(err)) throw err;
      bad++;
      process.stderr.write(`FAIL ${err.message}\n`);
    }
  }
  return bad ? EXIT_BAD_INPUT : EXIT_OK;
}

function algorithmsText(a: { abr: string[]; bwe: string[]; layer?: string[] }): string {
  return [a.abr.length ? `abr: ${a.abr.join(', ')}` : '', a.layer?.length ? `layer: ${a.layer.join(', ')}` : '', a.bwe.length ? `bwe: ${a.bwe.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
}
