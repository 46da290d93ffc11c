// Resolves scenario `layer:` entries: a built-in name ("highest-fit", "abr:<name>", ...), or a user file
// exporting a layer selector. Same shapes as ABR and BWE user files: a factory { name, create() }, a
// function or class returning a selector, or a bare selector object (one state for every feed: warned).

import { builtInNameWarning, importUserModule, userModuleFile, UserModuleLoadError, warnOnStderr, type UserModuleKind } from '../load-module.ts';
import { getLayerSelector, layerSelectorNames } from './registry.ts';
import type { LayerSelector, LayerSelectorFactory } from './types.ts';

/** Bad user input (unknown name, missing file, wrong export): the CLI prints it without a stack and exits 2. */
export class LayerSelectorLoadError extends UserModuleLoadError {}

export const LAYER_SELECTOR_MODULE: UserModuleKind = {
  what: 'layer selector',
  file: 'layer selector file',
  aFile: 'a layer selector file',
  example: './my-selector.ts',
  builtInNames: layerSelectorNames,
  error: LayerSelectorLoadError,
};

export async function loadLayerSelector(nameOrPath: string, baseDir: string = process.cwd(), opts: { warn?: (m: string) => void } = {}): Promise<LayerSelectorFactory> {
  const builtIn = getLayerSelector(nameOrPath);
  if (builtIn) return builtIn;
  const file = userModuleFile(nameOrPath, baseDir, LAYER_SELECTOR_MODULE);
  const mod = await importUserModule(file, LAYER_SELECTOR_MODULE);
  const warn = opts.warn ?? warnOnStderr;
  const factory = toLayerSelectorFactory(mod, file, warn);
  if (getLayerSelector(factory.name)) warn(builtInNameWarning(file, factory.name));
  return factory;
}

/** Accepts a LayerSelectorFactory, a bare selector, or a function (or class) returning a selector. */
export function toLayerSelectorFactory(mod: Record<string, unknown>, file: string, warn: (m: string) => void): LayerSelectorFactory {
  const exported = mod.default !== undefined ? mod.default : mod.selector;
  const which = mod.default !== undefined ? 'the default export' : 'the export `selector`';
  if (exported === undefined) {
    const names = Object.keys(mod);
    throw new LayerSelectorLoadError(
      `${file}: exports no layer selector: expected a default export or an export named \`selector\`` +
        ` (found ${names.length ? names.map((n) => `\`${n}\``).join(', ') : 'no exports'})`,
    );
  }
  const described = (name: string, o: Record<string, unknown> = {}): Omit<LayerSelectorFactory, 'create'> => ({
    name,
    source: typeof o.source === 'string' ? o.source : file,
    description: typeof o.description === 'string' ? o.description : `user layer selector from ${file}`,
  });

  if (typeof exported === 'function') {
    const make = exported as () => unknown;
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(make));
    const create = (): LayerSelector => checkSelector(isClass ? new (make as unknown as new () => unknown)() : make(), file, `what ${which} (a ${isClass ? 'class' : 'function'}) returns`);
    const sample = tryCreate(create, file, which);
    return { ...described(sample.name), create };
  }
  if (typeof exported !== 'object' || exported === null) {
    throw new LayerSelectorLoadError(`${file}: ${which} is a ${exported === null ? 'null' : typeof exported}, not a layer selector (an object with \`name\` and \`choose\` or \`create\`)`);
  }
  const obj = exported as Record<string, unknown>;
  if (typeof obj.create === 'function') {
    if (typeof obj.name !== 'string' || obj.name === '') {
      throw new LayerSelectorLoadError(`${file}: ${which} has \`create\` but no \`name\` string (a LayerSelectorFactory needs name, create())`);
    }
    const factory = obj as unknown as LayerSelectorFactory;
    const create = (): LayerSelector => checkSelector(factory.create(), file, `${which}.create() result`);
    tryCreate(create, file, `${which}.create`); // fail now, as bad input, rather than inside the SFU
    return { ...described(obj.name, obj), create };
  }
  const selector = checkSelector(obj, file, which);
  warn(`${file}: exports a layer selector object, not a factory: every subscriber x publisher shares its state (export { name, create() } for a fresh one per feed)`);
  return { ...described(selector.name, obj), create: () => selector };
}

function tryCreate(create: () => LayerSelector, file: string, what: string): LayerSelector {
  try {
    return create();
  } catch (err) {
    if (err instanceof LayerSelectorLoadError) throw err;
    throw new LayerSelectorLoadError(`${file}: ${what} threw when called to make a layer selector: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A selector needs a non-empty `name` and a `choose(ctx)` function; `budgetFraction`, when given, a number in (0, 1]. */
function checkSelector(value: unknown, file: string, what: string): LayerSelector {
  if (typeof value !== 'object' || value === null) {
    throw new LayerSelectorLoadError(`${file}: ${what} is ${value === null ? 'null' : `a ${typeof value}`}, not a layer selector (an object with \`name\` and \`choose\`)`);
  }
  const v = value as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof v.name !== 'string' || v.name === '') missing.push('a `name` string');
  if (typeof v.choose !== 'function') missing.push('a `choose(ctx)` function');
  if (missing.length > 0) {
    const has = Object.keys(v);
    throw new LayerSelectorLoadError(`${file}: ${what} is missing ${missing.join(' and ')} (it has: ${has.length ? has.join(', ') : 'nothing'})`);
  }
  const f = v.budgetFraction;
  if (f !== undefined && !(typeof f === 'number' && f > 0 && f <= 1)) {
    throw new LayerSelectorLoadError(`${file}: ${what} has budgetFraction ${JSON.stringify(f)}: expected a number above 0 and at most 1 (the part of its estimate a layer may use)`);
  }
  return value as LayerSelector;
}
