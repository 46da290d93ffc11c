// Resolves scenario `bwe:` entries: a built-in name, or a user file exporting an estimator.
// Same shapes as ABR user files: a factory { name, create() }, a function or class returning an
// estimator, or a bare estimator object (shared state: warned).

import { builtInNameWarning, importUserModule, userModuleFile, UserModuleLoadError, warnOnStderr, type UserModuleKind } from '../load-module.ts';
import { bweNames, getBwe } from './registry.ts';
import type { BandwidthEstimator, BweApplies, BweCreateOptions, BweFactory } from './types.ts';

/** Bad user input (unknown name, missing file, wrong export): the CLI prints it without a stack and exits 2. */
export class BweLoadError extends UserModuleLoadError {}

/** How the loader names estimators in its messages (also for the SFU adapter's synchronous loading). */
export const BWE_MODULE: UserModuleKind = {
  what: 'bandwidth estimator',
  file: 'estimator file',
  aFile: 'an estimator file',
  example: './my-bwe.ts',
  builtInNames: bweNames,
  error: BweLoadError,
};

export interface LoadBweOptions {
  warn?: (message: string) => void;
}

const APPLIES: readonly BweApplies[] = ['target', 'maxBitrate'];

export async function loadBwe(nameOrPath: string, baseDir: string = process.cwd(), opts: LoadBweOptions = {}): Promise<BweFactory> {
  const builtIn = getBwe(nameOrPath);
  if (builtIn) return builtIn;
  const file = userModuleFile(nameOrPath, baseDir, BWE_MODULE);
  const mod = await importUserModule(file, BWE_MODULE);
  const warn = opts.warn ?? warnOnStderr;
  const factory = toBweFactory(mod, file, warn);
  if (getBwe(factory.name)) warn(builtInNameWarning(file, factory.name));
  return factory;
}

/** Accepts a BweFactory, a bare estimator, or a function (or class) returning an estimator. */
export function toBweFactory(mod: Record<string, unknown>, file: string, warn: (m: string) => void): BweFactory {
  const exported = mod.default !== undefined ? mod.default : mod.bwe;
  const which = mod.default !== undefined ? 'the default export' : 'the export `bwe`';
  if (exported === undefined) {
    const names = Object.keys(mod);
    throw new BweLoadError(
      `${file}: exports no bandwidth estimator: expected a default export or an export named \`bwe\`` +
        ` (found ${names.length ? names.map((n) => `\`${n}\``).join(', ') : 'no exports'})`,
    );
  }

  if (typeof exported === 'function') {
    const make = exported as (opts?: BweCreateOptions) => unknown;
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(make));
    const construct = (o?: BweCreateOptions): BandwidthEstimator => {
      const made = isClass ? new (make as unknown as new (opts?: BweCreateOptions) => unknown)(o) : make(o);
      return checkEstimator(made, file, `what ${which} (a ${isClass ? 'class' : 'function'}) returns`);
    };
    const sample = tryCreate(() => construct(), file, which);
    return { name: sample.name, source: file, description: `user estimator from ${file}`, create: construct };
  }

  if (typeof exported !== 'object' || exported === null) {
    throw new BweLoadError(`${file}: ${which} is a ${exported === null ? 'null' : typeof exported}, not a bandwidth estimator (an object with \`name\` and \`decide\` or \`create\`)`);
  }
  const obj = exported as Record<string, unknown>;

  if (typeof obj.create === 'function') {
    if (typeof obj.name !== 'string' || obj.name === '') {
      throw new BweLoadError(`${file}: ${which} has \`create\` but no \`name\` string (a BweFactory needs name, create())`);
    }
    const factory = obj as unknown as BweFactory;
    const create = (o?: BweCreateOptions): BandwidthEstimator => checkEstimator(factory.create(o), file, `${which}.create() result`);
    tryCreate(() => create(), file, `${which}.create`); // fail now, as bad input, rather than as a crash in the first run
    return {
      name: obj.name,
      source: typeof obj.source === 'string' ? obj.source : file,
      description: typeof obj.description === 'string' ? obj.description : `user estimator from ${file}`,
      create,
    };
  }

  const estimator = checkEstimator(obj, file, which);
  warn(`${file}: exports an estimator object, not a factory: every run shares its state (export { name, create() } for a fresh one per session)`);
  return { name: estimator.name, source: file, description: `user estimator from ${file}`, create: () => estimator };
}

function tryCreate(create: () => BandwidthEstimator, file: string, what: string): BandwidthEstimator {
  try {
    return create();
  } catch (err) {
    if (err instanceof BweLoadError) throw err;
    throw new BweLoadError(`${file}: ${what} threw when called to make an estimator: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * An estimator needs a non-empty `name` and a `decide(ctx)` function; `applies` is optional and
 * defaults to 'target' (the decision is the send rate). The object is returned with `applies` set.
 */
function checkEstimator(value: unknown, file: string, what: string): BandwidthEstimator {
  if (typeof value !== 'object' || value === null) {
    throw new BweLoadError(`${file}: ${what} is ${value === null ? 'null' : `a ${typeof value}`}, not a bandwidth estimator (an object with \`name\` and \`decide\`)`);
  }
  const v = value as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof v.name !== 'string' || v.name === '') missing.push('a `name` string');
  if (typeof v.decide !== 'function') missing.push('a `decide(ctx)` function');
  if (missing.length > 0) {
    const has = Object.keys(v);
    throw new BweLoadError(`${file}: ${what} is missing ${missing.join(' and ')} (it has: ${has.length ? has.join(', ') : 'nothing'})`);
  }
  if (v.applies !== undefined && !APPLIES.includes(v.applies as BweApplies)) {
    throw new BweLoadError(`${file}: ${what} has applies ${JSON.stringify(v.applies)}: expected 'target' (the decision is the send rate) or 'maxBitrate' (a cap on the transport's estimate)`);
  }
  if (v.applies === undefined) {
    // A class instance may have a getter-only prototype; define on the object itself.
    Object.defineProperty(v, 'applies', { value: 'target', enumerable: true, configurable: true });
  }
  return value as BandwidthEstimator;
}
