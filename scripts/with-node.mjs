// Runs a command with a Node >= 22.18 first on PATH: `node scripts/with-node.mjs vitest run`.
import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { ensureNodeBinDir, projectRoot } from './node-runtime.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  process.stderr.write('usage: node scripts/with-node.mjs <command> [args...]\n');
  process.exit(2);
}
const nodeBin = ensureNodeBinDir();
const PATH = [nodeBin, join(projectRoot, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter);
const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, PATH } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
