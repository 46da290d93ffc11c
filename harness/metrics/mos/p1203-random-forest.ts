// ITU-T P.1203.3 (10/2017): the random-forest part of O.46 (14 session features, mean of its decision trees); the trees themselves are not shipped (see loadP1203Trees).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { P1203Stall } from './p1203-integration.ts';
import { percentileOfSorted } from './p1203-shared.ts';

export interface P1203RandomForest {
  /** Mean prediction of the trees for one feature vector. */
  predict(features: readonly number[]): number;
  treeCount: number;
}

/** One tree: rows of [node id, feature index (-1 = leaf), threshold (leaf: value), left child, right child]. */
export type P1203Tree = readonly (readonly [number, number, number, number, number])[];

export function p1203RandomForest(trees: readonly P1203Tree[]): P1203RandomForest {
  if (trees.length === 0) throw new RangeError('a P.1203 random forest needs at least one tree');
  const walkers = trees.map(treeWalker);
  return {
    treeCount: trees.length,
    predict: (features) => {
      let sum = 0;
      for (let i = 0; i < walkers.length; i++) sum += walkers[i](features);
      return sum / walkers.length;
    },
  };
}

const CYCLE = 'P.1203 random-forest tree has a cycle';

/**
 * A tree's prediction for a feature vector: its rows flattened into typed arrays (no tuple per visited node)
 * when every split names a feature index and two existing rows; other trees are walked row by row, so they fail
 * (or not) exactly where they did.
 */
function treeWalker(tree: P1203Tree): (features: readonly number[]) => number {
  const n = tree.length;
  const feature = new Int32Array(n);
  const threshold = new Float64Array(n);
  const left = new Int32Array(n);
  const right = new Int32Array(n);
  const isRow = (id: number) => Number.isInteger(id) && id >= 0 && id < n;
  let flat = true;
  for (let i = 0; i < n && flat; i++) {
    const [, f, th, l, r] = tree[i];
    if (f === -1) {
      feature[i] = -1;
    } else if (Number.isInteger(f) && f >= 0 && f < 2 ** 31 && isRow(l) && isRow(r)) {
      feature[i] = f;
      left[i] = l;
      right[i] = r;
    } else {
      flat = false;
    }
    threshold[i] = th;
  }
  if (!flat) {
    return (features) => {
      let node = 0;
      for (let hops = 0; hops <= n; hops++) {
        const [, f, th, l, r] = tree[node];
        if (f === -1) return th;
        node = features[f] < th ? l : r;
      }
      throw new RangeError(CYCLE);
    };
  }
  return (features) => {
    let node = 0;
    for (let hops = 0; hops <= n; hops++) {
      const f = feature[node];
      if (f === -1) return threshold[node];
      node = features[f] < threshold[node] ? left[node] : right[node];
    }
    throw new RangeError(CYCLE);
  };
}

/** Parses one tree file (CSV rows "node, feature, threshold, left, right"); errors name the file and line. */
export function parseP1203Tree(text: string, file: string): P1203Tree {
  const rows = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l, i) => {
      const cells = l.split(',').map((c) => Number(c.trim()));
      if (cells.length !== 5 || cells.some((c) => !Number.isFinite(c))) {
        throw new RangeError(`${file}:${i + 1}: expected 5 numbers "node, feature, threshold, left, right", got "${l}"`);
      }
      if (cells[0] !== i) throw new RangeError(`${file}:${i + 1}: expected node id ${i}, got ${cells[0]}`);
      return cells as unknown as [number, number, number, number, number];
    });
  if (rows.length === 0) throw new RangeError(`${file}: no tree rows`);
  return rows;
}

/**
 * The trees are part of the Recommendation's electronic attachment (and of the itu-p1203 reference
 * implementation, under a research-only licence), so netqoe does not ship them: point NETQOE_P1203_TREES
 * (or `dir`) at a folder of tree*.csv files. Returns null when none is configured.
 */
export function loadP1203Trees(dir: string | undefined = process.env.NETQOE_P1203_TREES): P1203RandomForest | null {
  if (!dir) return null;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith('tree') && n.endsWith('.csv'));
  } catch (err) {
    throw new RangeError(`NETQOE_P1203_TREES: expected a readable folder of tree*.csv files, got ${dir} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (names.length === 0) throw new RangeError(`NETQOE_P1203_TREES: no tree*.csv file in ${dir}`);
  return p1203RandomForest(names.sort().map((n) => parseP1203Tree(readFileSync(join(dir, n), 'utf8'), join(dir, n))));
}

/** Averages a per-second series into `parts` equal parts of the session (fractional seconds split). */
export function averageParts(perSecond: readonly number[], parts: number): number[] {
  const partS = perSecond.length / parts;
  const out: number[] = [];
  let carriedS = 0;
  let carriedMean = 0;
  for (const v of perSecond) {
    if (carriedS + 1 >= partS) {
      out.push((carriedS * carriedMean + (partS - carriedS) * v) / partS);
      carriedMean = v;
      carriedS = carriedS + 1 - partS;
    } else {
      carriedMean = (carriedMean * carriedS + v) / (carriedS + 1);
      carriedS += 1;
    }
  }
  while (out.length < parts) out.push(carriedMean);
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The 14 features: stalls (count, length with the initial loading at a third, both per second of media,
 * time since the last stall), O.22 over thirds of the session, its 1st/5th/10th percentiles, O.21 over
 * halves, and the media length.
 */
export function p1203RandomForestFeatures(o21: readonly number[], o22: readonly number[], stalls: readonly P1203Stall[], durationS: number): number[] {
  const initial = stalls.length > 0 && stalls[0].positionS === 0 ? stalls[0].durationS : 0;
  const rebuffers = stalls.filter((s) => s.positionS !== 0);
  const count = rebuffers.length;
  const lengthS = rebuffers.reduce((s, r) => s + r.durationS, 0);
  const sinceLastS = count > 0 ? durationS - rebuffers[count - 1].positionS : durationS;
  const v = o22.map(round3);
  const a = o21.map(round3);
  const vSorted = [...v].sort((x, y) => x - y); // as percentileLinear sorts, once for the three percentiles
  return [
    count,
    lengthS + initial / 3,
    count / durationS,
    lengthS / durationS + initial / durationS / 3,
    sinceLastS,
    ...averageParts(v, 3),
    ...[1, 5, 10].map((p) => percentileOfSorted(vSorted, p)),
    ...averageParts(a, 2),
    durationS,
  ];
}
