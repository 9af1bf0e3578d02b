import { describe, expect, it } from 'vitest';
import { FEATURES } from './features.js';
import { checkWeights, evaluate, fitLogistic, levelOf, loadShippedWeights, reasonsOf, rocAuc, scoreOf, type ModelWeights } from './model.js';
import { featurise, generateTraffic, HELD_OUT_SEED, TRAINING_SEED } from './synthetic.js';

/** A world neither the training nor the documented held-out run used. */
const FRESH_SEED = 90210;
const STATED_AUC = 0.97;

describe('the shipped weights', () => {
  const shipped = loadShippedWeights();
  const fresh = featurise(generateTraffic({ seed: FRESH_SEED, days: 7 }));

  it(`reach ROC-AUC ≥ ${STATED_AUC} on a fresh generated world, block few legitimate shoppers and catch most fraud at ≥ 75`, () => {
    expect(FRESH_SEED).not.toBe(TRAINING_SEED);
    expect(FRESH_SEED).not.toBe(HELD_OUT_SEED);
    const m = evaluate(shipped, fresh);
    expect(m.fraudulent).toBeGreaterThan(300);
    expect(m.roc_auc).toBeGreaterThanOrEqual(STATED_AUC);
    expect(m.false_block_rate).toBeLessThanOrEqual(0.01);
    expect(m.recall_highest).toBeGreaterThanOrEqual(0.7);
    expect(m.precision_highest).toBeGreaterThanOrEqual(0.9);
  });

  it('the same check fails bad weights (it can fail)', () => {
    const zero: ModelWeights = { ...shipped, weights: shipped.weights.map(() => 0) };
    const inverted: ModelWeights = { ...shipped, weights: shipped.weights.map((w) => -w) };
    expect(evaluate(zero, fresh).roc_auc).toBe(0.5);
    expect(evaluate(inverted, fresh).roc_auc).toBeLessThan(0.2);
  });

  it('each fraud pattern is mostly caught (score ≥ 65) while legitimate traffic mostly passes', () => {
    const rate = (pattern: string) => {
      const rows = fresh.filter((e) => e.pattern === pattern);
      return rows.filter((e) => scoreOf(shipped, e.x) >= 65).length / rows.length;
    };
    expect(rate('card_testing')).toBeGreaterThan(0.8);
    expect(rate('stolen_card')).toBeGreaterThan(0.5);
    expect(rate('account_takeover')).toBeGreaterThan(0.5);
    expect(rate('legitimate')).toBeLessThan(0.02);
  });

  it('fit the current feature list (a stale file is refused)', () => {
    expect(checkWeights(shipped).features).toEqual(FEATURES.map((f) => f.name));
    expect(() => checkWeights({ ...shipped, weights: shipped.weights.slice(1) })).toThrow(/do not match/);
    expect(() => checkWeights({ ...shipped, bias: Number.NaN })).toThrow(/do not match/);
  });
});

describe('logistic regression', () => {
  it('is deterministic and learns a separable signal', () => {
    const examples = Array.from({ length: 200 }, (_, i) => {
      const x = new Array<number>(FEATURES.length).fill(0);
      x[12] = i % 2; // email_disposable
      return { x, y: (i % 2) as 0 | 1 };
    });
    const a = fitLogistic(examples, { epochs: 300 });
    expect(fitLogistic(examples, { epochs: 300 })).toEqual(a);
    expect(a.weights[12]).toBeGreaterThan(2);
    expect(evaluate(a, examples).roc_auc).toBe(1);
  });
  it('a prior pulls a refit on few examples towards the current weights', () => {
    const shipped = loadShippedWeights();
    const few = [{ x: new Array<number>(FEATURES.length).fill(0), y: 1 as const }];
    const refit = fitLogistic(few, { prior: shipped, l2: 1, epochs: 200 });
    for (let i = 0; i < FEATURES.length; i++) expect(Math.abs(refit.weights[i]! - shipped.weights[i]!)).toBeLessThan(0.01);
  });
  it('ROC-AUC by ranks, with ties as halves', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([1, 1], [0, 1])).toBe(0.5);
  });
  it('levels at Radar thresholds and reasons by contribution', () => {
    expect([0, 64, 65, 74, 75, 100].map(levelOf)).toEqual(['normal', 'normal', 'elevated', 'elevated', 'highest', 'highest']);
    const w: ModelWeights = {
      version: 1,
      features: FEATURES.map((f) => f.name),
      bias: 0,
      weights: FEATURES.map((_, i) => (i === 10 ? 3 : i === 12 ? 1 : 0.1)),
    };
    const x = FEATURES.map((_, i) => (i === 10 || i === 12 || i === 0 ? 1 : 0));
    expect(reasonsOf(w, x, { ip_card_country_mismatch: 'IP in NG, card GB' })).toEqual([
      { code: 'ip_card_country_mismatch', detail: 'IP in NG, card GB' },
      { code: 'disposable_email', detail: 'email_disposable' },
    ]);
  });
});
