// User algorithm modules (ABR, BWE, ICE-restart entries): telling a file from a built-in name, finding and
// importing the file, and the bad-input error the CLI prints without a stack. Shared by the */load-user.ts loaders.

import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closestName } from './abr/common.ts';

/** Bad user input (unknown name, missing file, wrong export): the CLI prints it without a stack and exits 2. */
export class UserModuleLoadError extends Error {
  readonly code = 'BAD_INPUT';
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** How one kind of algorithm is named in the loader's messages, and its built-ins. */
export interface UserModuleKind {
  /** 'unknown ABR algorithm "x"' */
  what: string;
  /** 'x: ABR file not found' */
  file: string;
  /** 'x: an ABR file must be a module' */
  aFile: string;
  /** 'or give a file: ./my-abr.ts' */
  example: string;
  builtInNames: () => string[];
  error: new (message: string) => UserModuleLoadError;
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** A name with a slash or a script extension is a file; anything else must be a built-in. */
export function looksLikePath(nameOrPath: string): boolean {
  return /[\\/]/.test(nameOrPath) || EXTENSIONS.includes(extname(nameOrPath).toLowerCase());
}

/**
 * The absolute module file an entry that is not a built-in names. Refuses an unknown name (with the closest
 * built-in), a missing file, and (unless checkExtension is false) a file that is not a script module.
 */
export function userModuleFile(nameOrPath: string, baseDir: string, kind: UserModuleKind, opts: { checkExtension?: boolean } = {}): string {
  if (!looksLikePath(nameOrPath)) {
    const guess = closestName(nameOrPath, kind.builtInNames());
    throw new kind.error(
      `unknown ${kind.what} "${nameOrPath}"${guess ? ` (did you mean "${guess}"?)` : ''}; ` +
        `built-ins: ${kind.builtInNames().join(', ')}; or give a file: ${kind.example}`,
    );
  }
  const file = isAbsolute(nameOrPath) ? nameOrPath : resolve(baseDir, nameOrPath);
  if (!existsSync(file) || !statSync(file).isFile()) throw new kind.error(`${nameOrPath}: ${kind.file} not found (looked for ${file})`);
  if (opts.checkExtension !== false && !EXTENSIONS.includes(extname(file).toLowerCase())) {
    throw new kind.error(`${file}: ${kind.aFile} must be a module ending in ${EXTENSIONS.join(', ')}`);
  }
  return file;
}

/** Imports a user module file; a failure is bad input naming the file. */
export async function importUserModule(file: string, kind: UserModuleKind): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new kind.error(`${file}: could not load the module: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Where loader warnings go unless the caller says otherwise. */
export function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** The warning for a user file whose algorithm takes a built-in's name. */
export function builtInNameWarning(file: string, name: string): string {
  return `${file}: names itself "${name}", like a built-in: results will show two "${name}"`;
}
