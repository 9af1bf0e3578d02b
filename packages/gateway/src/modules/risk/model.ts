import fs from 'node:fs';
import { FEATURES } from './features.js';
import type { RiskAction, RiskLevel, RiskReason } from './types.js';

/**
 * The interpretable scorer: logistic regression over the named features.
 * score = round(100 · σ(bias + Σ wᵢ·xᵢ)); each feature's contribution wᵢ·xᵢ
 * (in log-odds) is what the reasons report, largest first.
 */
export interface ModelWeights {
  version: 1;
  features: string[];
  bias: number;
  weights: number[];
  /** How these weights were made, and what they measured (on held-out data for synthetic training). */
  trained?: Record<string, unknown>;
}

/** Stripe Radar's defaults. */
export const THRESHOLDS = { elevated: 65, highest: 75 } as const;
export const DEFAULT_ACTIONS: Record<RiskLevel, RiskAction> = { normal: 'allow', elevated: 'request_3ds', highest: 'block' };
/** A feature raising the log-odds by at least this much is named as a reason. */
export const REASON_MIN_CONTRIBUTION = 0.5;

export const SHIPPED_WEIGHTS_FILE = new URL('./weights.json', import.meta.url);

export function loadShippedWeights(): ModelWeights {
  return checkWeights(JSON.parse(fs.readFileSync(SHIPPED_WEIGHTS_FILE, 'utf8')));
}

/** Refuses weights that do not fit the features this code computes (a stale or foreign file). */
export function checkWeights(value: unknown): ModelWeights {
  const w = value as ModelWeights;
  const names = FEATURES.map((f) => f.name);
  if (
    !w ||
    w.version !== 1 ||
    !Array.isArray(w.features) ||
    w.features.length !== names.length ||
    w.features.some((f, i) => f !== names[i]) ||
    !Array.isArray(w.weights) ||
    w.weights.length !== names.length ||
    ![w.bias, ...w.weights].every((x) => typeof x === 'number' && Number.isFinite(x))
  ) {
    throw new Error('risk weights do not match the feature list of this version');
  }
  return w;
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function logit(weights: ModelWeights, x: number[]): number {
  let z = weights.bias;
  for (let i = 0; i < x.length; i++) z += weights.weights[i]! * x[i]!;
  return z;
}

export function scoreOf(weights: ModelWeights, x: number[]): number {
  return Math.round(100 * sigmoid(logit(weights, x)));
}

export function levelOf(score: number): RiskLevel {
  return score >= THRESHOLDS.highest ? 'highest' : score >= THRESHOLDS.elevated ? 'elevated' : 'normal';
}

export function reasonsOf(weights: ModelWeights, x: number[], details: Partial<Record<string, string>>): RiskReason[] {
  return FEATURES.map((f, i) => ({ f, contribution: weights.weights[i]! * x[i]! }))
    .filter((c) => c.contribution >= REASON_MIN_CONTRIBUTION)
    .sort((a, b) => b.contribution - a.contribution)
    .map((c) => ({ code: c.f.code, detail: details[c.f.name] ?? c.f.name }));
}

export interface Example {
  x: number[];
  y: 0 | 1;
}

/**
 * Full-batch gradient descent on the log-loss with an L2 pull towards
 * `prior` (zeros for a fresh fit; the current weights when refitting on a
 * deployment's few labelled payments, so a handful of reports nudges rather
 * than replaces the model). Deterministic: no randomness at all.
 */
export function fitLogistic(examples: Example[], options: { epochs?: number; learningRate?: number; l2?: number; prior?: ModelWeights } = {}): ModelWeights {
  const d = FEATURES.length;
  const epochs = options.epochs ?? 1500;
  const lr = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-3;
  const priorW = options.prior?.weights ?? new Array<number>(d).fill(0);
  const priorB = options.prior?.bias ?? 0;
  const w = [...priorW];
  let b = priorB;
  const n = examples.length;
  if (n === 0) throw new Error('no examples to fit');
  const grad = new Array<number>(d);
  for (let epoch = 0; epoch < epochs; epoch++) {
    grad.fill(0);
    let gb = 0;
    for (const { x, y } of examples) {
      let z = b;
      for (let i = 0; i < d; i++) z += w[i]! * x[i]!;
      const err = sigmoid(z) - y;
      gb += err;
      for (let i = 0; i < d; i++) grad[i] = grad[i]! + err * x[i]!;
    }
    for (let i = 0; i < d; i++) w[i] = w[i]! - lr * (grad[i]! / n + l2 * (w[i]! - priorW[i]!));
    b -= lr * (gb / n);
  }
  return { version: 1, features: FEATURES.map((f) => f.name), bias: round(b), weights: w.map(round) };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** ROC-AUC by ranks (Mann-Whitney U), ties counted half. */
export function rocAuc(scores: number[], labels: Array<0 | 1>): number {
  const order = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let rankSumPositive = 0;
  let positives = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (order[k]!.y === 1) ((rankSumPositive += averageRank), positives++);
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface Metrics {
  samples: number;
  fraudulent: number;
  roc_auc: number;
  /** At score ≥ 65 (elevated or worse: 3-D Secure or block). */
  precision_elevated: number;
  recall_elevated: number;
  /** At score ≥ 75 (blocked by default). */
  precision_highest: number;
  recall_highest: number;
  /** Share of legitimate attempts scored ≥ 75 (blocked by default). */
  false_block_rate: number;
}

export function evaluate(weights: ModelWeights, examples: Example[]): Metrics {
  const scores = examples.map((e) => scoreOf(weights, e.x));
  const labels = examples.map((e) => e.y);
  const at = (threshold: number) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    scores.forEach((s, i) => {
      if (s >= threshold && labels[i] === 1) tp++;
      else if (s >= threshold) fp++;
      else if (labels[i] === 1) fn++;
    });
    return { precision: tp + fp === 0 ? 0 : tp / (tp + fp), recall: tp + fn === 0 ? 0 : tp / (tp + fn), fp };
  };
  const elevated = at(THRESHOLDS.elevated);
  const highest = at(THRESHOLDS.highest);
  const fraudulent = labels.filter((y) => y === 1).length;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    samples: examples.length,
    fraudulent,
    roc_auc: r(
      rocAuc(
        examples.map((e) => logit(weights, e.x)),
        labels,
      ),
    ),
    precision_elevated: r(elevated.precision),
    recall_elevated: r(elevated.recall),
    precision_highest: r(highest.precision),
    recall_highest: r(highest.recall),
    false_block_rate: r(highest.fp / Math.max(1, examples.length - fraudulent)),
  };
}
