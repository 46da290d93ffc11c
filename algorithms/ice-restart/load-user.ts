// Resolves scenario `iceRestart:` entries: a built-in name, or a user file exporting a policy. The
// result names the module file too: the browser page imports that file (served by the page server).
// A user file runs in the page as it is (types stripped, no bundler): it may import siblings in its own
// folder, nothing from node_modules.

import { builtInNameWarning, importUserModule, userModuleFile, UserModuleLoadError, warnOnStderr, type UserModuleKind } from '../load-module.ts';
import { toIceRestartFactory } from './normalize.ts';
import { builtInPolicyFile, getIceRestart, iceRestartNames } from './registry.ts';
import type { IceRestartFactory } from './types.ts';

/** Bad user input (unknown name, missing file, wrong export): the CLI prints it without a stack and exits 2. */
export class IceRestartLoadError extends UserModuleLoadError {}

const ICE_RESTART_MODULE: UserModuleKind = {
  what: 'ICE-restart policy',
  file: 'policy file',
  aFile: 'a policy file',
  example: './my-policy.ts',
  builtInNames: iceRestartNames,
  error: IceRestartLoadError,
};

export interface LoadedIceRestart {
  factory: IceRestartFactory;
  /** Absolute path of the module whose export is the policy (what the page imports). */
  file: string;
}

export async function loadIceRestart(nameOrPath: string, baseDir: string = process.cwd(), opts: { warn?: (m: string) => void } = {}): Promise<LoadedIceRestart> {
  const builtIn = getIceRestart(nameOrPath);
  if (builtIn) return { factory: builtIn, file: builtInPolicyFile(nameOrPath)! };
  const file = userModuleFile(nameOrPath, baseDir, ICE_RESTART_MODULE);
  const mod = await importUserModule(file, ICE_RESTART_MODULE);
  const warn = opts.warn ?? warnOnStderr;
  let factory: IceRestartFactory;
  try {
    factory = toIceRestartFactory(mod, file, warn);
  } catch (err) {
    throw new IceRestartLoadError(err instanceof Error ? err.message : String(err));
  }
  if (getIceRestart(factory.name)) warn(builtInNameWarning(file, factory.name));
  return { factory, file };
}
