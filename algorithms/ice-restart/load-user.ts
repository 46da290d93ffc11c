// Resolves scenario `iceRestart:` entries: a built-in name, or a user file exporting a policy. The
// result names the module file too: the browser page imports that file (served by the page server).
// A user file runs in the page as it is (types stripped, no bundler): it may import siblings in its own
// folder, nothing from node_modules.

import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closestName } from '../abr/common.ts';
import { looksLikePath } from '../abr/load-user.ts';
import { toIceRestartFactory } from './normalize.ts';
import { builtInPolicyFile, getIceRestart, iceRestartNames } from './registry.ts';
import type { IceRestartFactory } from './types.ts';

export class IceRestartLoadError extends Error {
  readonly code = 'BAD_INPUT';
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'IceRestartLoadError';
  }
}

export interface LoadedIceRestart {
  factory: IceRestartFactory;
  /** Absolute path of the module whose export is the policy (what the page imports). */
  file: string;
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export async function loadIceRestart(nameOrPath: string, baseDir: string = process.cwd(), opts: { warn?: (m: string) => void } = {}): Promise<LoadedIceRestart> {
  const builtIn = getIceRestart(nameOrPath);
  if (builtIn) return { factory: builtIn, file: builtInPolicyFile(nameOrPath)! };
  if (!looksLikePath(nameOrPath)) {
    const guess = closestName(nameOrPath, iceRestartNames());
    throw new IceRestartLoadError(
      `unknown ICE-restart policy "${nameOrPath}"${guess ? ` (did you mean "${guess}"?)` : ''}; built-ins: ${iceRestartNames().join(', ')}; or give a file: ./my-policy.ts`,
    );
  }
  const file = isAbsolute(nameOrPath) ? nameOrPath : resolve(baseDir, nameOrPath);
  if (!existsSync(file) || !statSync(file).isFile()) throw new IceRestartLoadError(`${nameOrPath}: policy file not found (looked for ${file})`);
  if (!EXTENSIONS.includes(extname(file).toLowerCase())) throw new IceRestartLoadError(`${file}: a policy file must be a module ending in ${EXTENSIONS.join(', ')}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new IceRestartLoadError(`${file}: could not load the module: ${err instanceof Error ? err.message : String(err)}`);
  }
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  let factory: IceRestartFactory;
  try {
    factory = toIceRestartFactory(mod, file, warn);
  } catch (err) {
    throw new IceRestartLoadError(err instanceof Error ? err.message : String(err));
  }
  if (getIceRestart(factory.name)) warn(`${file}: names itself "${factory.name}", like a built-in: results will show two "${factory.name}"`);
  return { factory, file };
}
