// Resolves --abr / scenario `abr:` entries: a built-in name, or a user file exporting an algorithm.

import { builtInNameWarning, importUserModule, userModuleFile, UserModuleLoadError, warnOnStderr, type UserModuleKind } from '../load-module.ts';
import { abrNames, getAbr } from './registry.ts';
import type { AbrAlgorithm, AbrFactory } from './types.ts';

export { looksLikePath } from '../load-module.ts';

/** Bad user input (unknown name, missing file, wrong export): the CLI prints it without a stack and exits 2. */
export class AbrLoadError extends UserModuleLoadError {}

const ABR_MODULE: UserModuleKind = { what: 'ABR algorithm', file: 'ABR file', aFile: 'an ABR file', example: './my-abr.ts', builtInNames: abrNames, error: AbrLoadError };

export interface LoadAbrOptions {
  /** Where warnings go (a bare algorithm object shares its state between sessions). Default: stderr. */
  warn?: (message: string) => void;
}

export async function loadAbr(nameOrPath: string, baseDir: string = process.cwd(), opts: LoadAbrOptions = {}): Promise<AbrFactory> {
  const builtIn = getAbr(nameOrPath);
  if (builtIn) return builtIn;
  const file = userModuleFile(nameOrPath, baseDir, ABR_MODULE);
  const mod = await importUserModule(file, ABR_MODULE);
  const warn = opts.warn ?? warnOnStderr;
  const factory = toFactory(mod, file, warn);
  if (getAbr(factory.name)) warn(builtInNameWarning(file, factory.name));
  return factory;
}

/** Accepts an AbrFactory, a bare AbrAlgorithm, or a function (or class) returning an AbrAlgorithm. */
export function toFactory(mod: Record<string, unknown>, file: string, warn: (m: string) => void): AbrFactory {
  const exported = mod.default !== undefined ? mod.default : mod.abr;
  const which = mod.default !== undefined ? 'the default export' : 'the export `abr`';
  if (exported === undefined) {
    const names = Object.keys(mod);
    throw new AbrLoadError(
      `${file}: exports no ABR algorithm: expected a default export or an export named \`abr\`` +
        ` (found ${names.length ? names.map((n) => `\`${n}\``).join(', ') : 'no exports'})`,
    );
  }

  if (typeof exported === 'function') {
    const make = exported as (...args: unknown[]) => unknown;
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(make));
    const construct = (): AbrAlgorithm => {
      const made = isClass ? new (make as unknown as new () => unknown)() : make();
      return checkAlgorithm(made, file, `what ${which} (a ${isClass ? 'class' : 'function'}) returns`);
    };
    let sample: AbrAlgorithm;
    try {
      sample = construct();
    } catch (err) {
      if (err instanceof AbrLoadError) throw err;
      throw new AbrLoadError(`${file}: ${which} threw when called to make an algorithm: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { name: sample.name, source: file, description: `user algorithm from ${file}`, file, create: construct };
  }

  if (typeof exported !== 'object' || exported === null) {
    throw new AbrLoadError(`${file}: ${which} is a ${exported === null ? 'null' : typeof exported}, not an ABR algorithm (an object with \`name\` and \`choose\` or \`create\`)`);
  }
  const obj = exported as Record<string, unknown>;

  if (typeof obj.create === 'function') {
    if (typeof obj.name !== 'string' || obj.name === '') {
      throw new AbrLoadError(`${file}: ${which} has \`create\` but no \`name\` string (an AbrFactory needs name, create())`);
    }
    const factory = obj as unknown as AbrFactory;
    const create = (): AbrAlgorithm => checkAlgorithm(factory.create(), file, `${which}.create() result`);
    create(); // fail now, as bad input, rather than as a crash in the first run
    return {
      name: obj.name,
      source: typeof obj.source === 'string' ? obj.source : file,
      description: typeof obj.description === 'string' ? obj.description : `user algorithm from ${file}`,
      file,
      create,
    };
  }

  const algorithm = checkAlgorithm(obj, file, which);
  warn(`${file}: exports an algorithm object, not a factory: every run shares its state (export { name, create() } for a fresh one per session)`);
  return { name: algorithm.name, source: file, description: `user algorithm from ${file}`, file, create: () => algorithm };
}

function checkAlgorithm(value: unknown, file: string, what: string): AbrAlgorithm {
  if (typeof value !== 'object' || value === null) {
    throw new AbrLoadError(`${file}: ${what} is ${value === null ? 'null' : `a ${typeof value}`}, not an ABR algorithm (an object with \`name\` and \`choose\`)`);
  }
  const v = value as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof v.name !== 'string' || v.name === '') missing.push('a `name` string');
  if (typeof v.choose !== 'function') missing.push('a `choose(ctx)` function');
  if (missing.length > 0) {
    const has = Object.keys(v);
    throw new AbrLoadError(`${file}: ${what} is missing ${missing.join(' and ')} (it has: ${has.length ? has.join(', ') : 'nothing'})`);
  }
  return value as AbrAlgorithm;
}

