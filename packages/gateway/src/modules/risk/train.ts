import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluate, fitLogistic, SHIPPED_WEIGHTS_FILE, type Metrics, type ModelWeights } from './model.js';
import { featurise, generateTraffic, HELD_OUT_SEED, TRAINING_SEED } from './synthetic.js';

/** Fits weights on a generated world and measures them on a fresh one (different seed). */
export function trainSynthetic(options: { trainSeed?: number; testSeed?: number } = {}): { weights: ModelWeights; heldOut: Metrics; training: Metrics } {
  const trainSeed = options.trainSeed ?? TRAINING_SEED;
  const testSeed = options.testSeed ?? HELD_OUT_SEED;
  const train = featurise(generateTraffic({ seed: trainSeed }));
  const test = featurise(generateTraffic({ seed: testSeed }));
  const fitted = fitLogistic(train);
  const training = evaluate(fitted, train);
  const heldOut = evaluate(fitted, test);
  const weights: ModelWeights = {
    ...fitted,
    trained: {
      source: 'synthetic',
      generator: 'modules/risk/synthetic.ts',
      train_seed: trainSeed,
      held_out_seed: testSeed,
      training_metrics: training,
      held_out_metrics: heldOut,
      note: 'figures on synthetic traffic, not on real payments',
    },
  };
  return { weights, heldOut, training };
}

// `npm run risk:train`: refits and rewrites the shipped weights file.
if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const { weights, heldOut, training } = trainSynthetic();
  fs.writeFileSync(SHIPPED_WEIGHTS_FILE, `${JSON.stringify(weights, null, 2)}\n`);
  process.stdout.write(
    `${JSON.stringify({ written: fileURLToPath(SHIPPED_WEIGHTS_FILE), training, held_out: heldOut, bias: weights.bias, weights: Object.fromEntries(weights.features.map((f, i) => [f, weights.weights[i]])) }, null, 2)}\n`,
  );
}
