/**
 * The merchant-rule predicate language: a small hand-written tokenizer
 * (predicate-tokenizer.ts) and a recursive-descent parser (predicate-parser.ts,
 * which holds the grammar) producing an AST (predicate-types.ts) that is
 * evaluated by walking it (predicate-evaluator.ts). Nothing is ever handed to
 * `eval`, `Function` or a SQL string: an input is either a tree of those
 * shapes or a PredicateError naming the position.
 *
 * Rules, routes and the CLI import the language from here.
 */

export { evaluatePredicate } from './predicate-evaluator.js';
export { parsePredicate } from './predicate-parser.js';
export { type Token, tokenize } from './predicate-tokenizer.js';
export * from './predicate-types.js';
