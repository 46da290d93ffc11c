// npm `prepare` hook: makes sure a Node that runs netqoe exists (see node-runtime.mjs).
import { ensureNodeBinDir } from './node-runtime.mjs';
ensureNodeBinDir();
