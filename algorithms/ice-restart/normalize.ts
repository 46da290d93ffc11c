// Turns a policy module's export into an IceRestartFactory, with errors that say what is wrong. Used by
// the Node loader (load-user.ts) and by the browser page, which imports the same module file: so this
// file is self-contained too (type imports only).
//
// Accepted shapes (default export, or an export named `iceRestart`): a factory { name, create(opts) };
// a function or class returning a policy; a bare policy object (one state for every peer: warned).

import type { IceRestartCreateOptions, IceRestartFactory, IceRestartPolicy } from './types.ts';

export function toIceRestartFactory(mod: Record<string, unknown>, file: string, warn: (m: string) => void = () => undefined): IceRestartFactory {
  const exported = mod.default !== undefined ? mod.default : mod.iceRestart;
  const which = mod.default !== undefined ? 'the default export' : 'the export `iceRestart`';
  if (exported === undefined) {
    const names = Object.keys(mod);
    throw new Error(`${file}: exports no ICE-restart policy: expected a default export or an export named \`iceRestart\` (found ${names.length ? names.map((n) => `\`${n}\``).join(', ') : 'no exports'})`);
  }
  if (typeof exported === 'function') {
    const make = exported as (o?: IceRestartCreateOptions) => unknown;
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(make));
    const create = (o?: IceRestartCreateOptions): IceRestartPolicy =>
      checkPolicy(isClass ? new (make as unknown as new (o?: IceRestartCreateOptions) => unknown)(o) : make(o), file, `what ${which} returns`);
    const sample = create({ seed: 1 });
    return { name: sample.name, source: file, description: `user policy from ${file}`, create };
  }
  if (typeof exported !== 'object' || exported === null) throw new Error(`${file}: ${which} is ${exported === null ? 'null' : `a ${typeof exported}`}, not an ICE-restart policy`);
  const obj = exported as Record<string, unknown>;
  if (typeof obj.create === 'function') {
    if (typeof obj.name !== 'string' || obj.name === '') throw new Error(`${file}: ${which} has \`create\` but no \`name\` string`);
    const f = obj as unknown as IceRestartFactory;
    const create = (o?: IceRestartCreateOptions) => checkPolicy(f.create(o), file, `${which}.create() result`);
    create({ seed: 1 });
    return { name: f.name, source: typeof obj.source === 'string' ? obj.source : file, description: typeof obj.description === 'string' ? obj.description : `user policy from ${file}`, create };
  }
  const policy = checkPolicy(obj, file, which);
  warn(`${file}: exports a policy object, not a factory: every peer shares its state (export { name, create() } for a fresh one per peer)`);
  return { name: policy.name, source: file, description: `user policy from ${file}`, create: () => policy };
}

function checkPolicy(value: unknown, file: string, what: string): IceRestartPolicy {
  if (typeof value !== 'object' || value === null) throw new Error(`${file}: ${what} is ${value === null ? 'null' : `a ${typeof value}`}, not an ICE-restart policy (an object with \`name\`, \`tickMs\` and \`onInput\`)`);
  const v = value as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof v.name !== 'string' || v.name === '') missing.push('a `name` string');
  if (typeof v.onInput !== 'function') missing.push('an `onInput(input)` function');
  if (v.tickMs !== undefined && !(typeof v.tickMs === 'number' && v.tickMs >= 10 && v.tickMs <= 10_000)) missing.push('a `tickMs` between 10 and 10000 (or none: 100)');
  if (missing.length > 0) throw new Error(`${file}: ${what} is missing ${missing.join(' and ')} (it has: ${Object.keys(v).join(', ') || 'nothing'})`);
  if (v.tickMs === undefined) Object.defineProperty(v, 'tickMs', { value: 100, enumerable: true, configurable: true });
  return value as IceRestartPolicy;
}

const ACTIONS = ['none', 'restart-ice', 'full-reconnect'];

/** A decision as the caller may act on it: an unknown action is an error naming the policy. */
export function checkDecision(policy: string, d: unknown): { action: 'none' | 'restart-ice' | 'full-reconnect'; reason: string } {
  if (d === undefined || d === null) return { action: 'none', reason: '' };
  const o = d as Record<string, unknown>;
  if (typeof o !== 'object' || !ACTIONS.includes(o.action as string)) throw new Error(`policy ${policy}: onInput returned ${JSON.stringify(d)?.slice(0, 80)}: expected { action: ${ACTIONS.map((a) => `'${a}'`).join(' | ')}, reason }`);
  return { action: o.action as 'none', reason: typeof o.reason === 'string' ? o.reason : '' };
}
