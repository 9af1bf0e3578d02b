import { ApiError } from '../../errors.js';
import { FEATURES } from './features.js';
import { evaluate, fitLogistic, type Example, type Metrics, type ModelWeights } from './model.js';
import type { RiskRepository } from './risk-repository.js';
import { trainSynthetic } from './train.js';

/** Retraining on a deployment's reports needs at least this many, with some of each kind. */
export const MIN_FEEDBACK = { total: 20, perClass: 5 } as const;

export interface RetrainResult {
  model_id: number;
  source: 'synthetic' | 'feedback';
  samples: number;
  fraudulent: number;
  /** Synthetic: on a held-out generated world. Feedback: on the reports themselves (in-sample; few rows). */
  metrics: Metrics;
  previous_metrics?: Metrics;
}

/**
 * Refits the weights and stores them (every gateway process picks up the
 * newest). `synthetic`: a fresh fit on generated traffic (what the shipped
 * file holds). Otherwise: on this deployment's fraud reports, starting from
 * and pulled towards the weights in force (`current`).
 */
export async function retrainModel(
  repository: RiskRepository,
  now: number,
  options: { synthetic?: boolean },
  current: () => Promise<ModelWeights>,
): Promise<RetrainResult> {
  if (options.synthetic) {
    const { weights, heldOut } = trainSynthetic();
    const id = await repository.insertModel('synthetic', JSON.stringify(weights), JSON.stringify(heldOut), now);
    return { model_id: id, source: 'synthetic', samples: heldOut.samples, fraudulent: heldOut.fraudulent, metrics: heldOut };
  }
  const examples: Example[] = [];
  for (const row of await repository.labelledExamples()) {
    const x = JSON.parse(row.features) as unknown;
    if (Array.isArray(x) && x.length === FEATURES.length && x.every((v) => typeof v === 'number' && Number.isFinite(v)))
      examples.push({ x: x as number[], y: row.fraudulent ? 1 : 0 });
  }
  const fraudulent = examples.filter((e) => e.y === 1).length;
  if (examples.length < MIN_FEEDBACK.total || fraudulent < MIN_FEEDBACK.perClass || examples.length - fraudulent < MIN_FEEDBACK.perClass) {
    throw new ApiError(
      '1010',
      `not enough fraud reports to retrain: ${examples.length} assessed payments reported (${fraudulent} fraudulent); need ${MIN_FEEDBACK.total}, with at least ${MIN_FEEDBACK.perClass} of each kind`,
    );
  }
  const prior = await current();
  const refit = fitLogistic(examples, { prior, l2: 0.05, epochs: 1500, learningRate: 0.3 });
  const metrics = evaluate(refit, examples);
  const weights: ModelWeights = {
    ...refit,
    trained: { source: 'feedback', samples: examples.length, fraudulent, in_sample_metrics: metrics, trained_at: new Date(now).toISOString() },
  };
  const id = await repository.insertModel('feedback', JSON.stringify(weights), JSON.stringify(metrics), now);
  return { model_id: id, source: 'feedback', samples: examples.length, fraudulent, metrics, previous_metrics: evaluate(prior, examples) };
}
