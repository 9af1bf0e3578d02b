import type { Attributes, CompareOp, Predicate, Value } from './predicate-types.js';

const normalise = (v: Value): Value => (typeof v === 'string' ? v.toLowerCase() : v);

function compare(left: Value | undefined, op: CompareOp, right: Value | undefined): boolean {
  if (left === undefined || right === undefined) return false;
  const a = normalise(left);
  const b = normalise(right);
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** Walks the tree. String comparisons ignore case; an unknown value makes its comparison false. */
export function evaluatePredicate(p: Predicate, attributes: Attributes): boolean {
  switch (p.kind) {
    case 'or':
      return evaluatePredicate(p.left, attributes) || evaluatePredicate(p.right, attributes);
    case 'and':
      return evaluatePredicate(p.left, attributes) && evaluatePredicate(p.right, attributes);
    case 'not':
      return !evaluatePredicate(p.operand, attributes);
    case 'compare': {
      const right = p.operand.kind === 'literal' ? p.operand.value : attributes[p.operand.name];
      return compare(attributes[p.attribute], p.op, right);
    }
    case 'in': {
      const value = attributes[p.attribute];
      if (value === undefined) return false;
      const found = p.values.some((v) => normalise(v) === normalise(value));
      return p.negated ? !found : found;
    }
  }
}
