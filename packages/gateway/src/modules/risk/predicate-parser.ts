/**
 * The recursive-descent parser of the predicate language, over the tokens of
 * predicate-tokenizer.ts, type-checking as it goes: unknown attributes and
 * mismatched types are refused here, not at payment time. The grammar:
 *
 *   predicate   = or_expr ;
 *   or_expr     = and_expr , { "or" , and_expr } ;
 *   and_expr    = not_expr , { "and" , not_expr } ;
 *   not_expr    = "not" , not_expr | primary ;
 *   primary     = "(" , or_expr , ")" | comparison ;
 *   comparison  = attribute , ( compare_op , operand | [ "not" ] , "in" , "(" , literal , { "," , literal } , ")" ) ;
 *   compare_op  = "=" | "!=" | "<" | "<=" | ">" | ">=" ;
 *   operand     = literal | attribute ;
 *   literal     = number | string | "true" | "false" ;
 *   attribute   = ":" , name , ":" ;
 */

import {
  ATTRIBUTES,
  type AttributeType,
  type CompareOp,
  type Operand,
  type Predicate,
  PREDICATE_LIMITS,
  PredicateError,
  type Value,
} from './predicate-types.js';
import { type Token, tokenize } from './predicate-tokenizer.js';

/** Parses and type-checks a predicate: unknown attributes and mismatched types are refused here, not at payment time. */
export function parsePredicate(source: string): Predicate {
  if (typeof source !== 'string' || source.trim() === '') throw new PredicateError('predicate is empty', 1);
  const tokens = tokenize(source);
  let index = 0;
  let depth = 0;
  const peek = () => tokens[index]!;
  const next = () => tokens[index++]!;
  const isKeyword = (word: string) => peek().kind === 'keyword' && peek().value === word;
  const describe = (t: Token) => (t.kind === 'end' ? 'end of predicate' : `'${t.text.slice(0, 20)}'`);
  const expected = (what: string): never => {
    const t = peek();
    throw new PredicateError(`expected ${what} but found ${describe(t)}`, t.position);
  };
  const enter = (t: Token) => {
    if (++depth > PREDICATE_LIMITS.maxDepth) throw new PredicateError(`nesting deeper than ${PREDICATE_LIMITS.maxDepth}`, t.position);
  };

  const attributeOf = (t: Token): string => {
    const name = t.value as string;
    if (!Object.hasOwn(ATTRIBUTES, name)) throw new PredicateError(`unknown attribute :${name}:`, t.position);
    return name;
  };
  const literal = (): { value: Value; type: AttributeType; token: Token } => {
    const t = peek();
    if (t.kind === 'number') return (next(), { value: t.value as number, type: 'number', token: t });
    if (t.kind === 'string') return (next(), { value: t.value as string, type: 'string', token: t });
    if (t.kind === 'keyword' && (t.value === 'true' || t.value === 'false')) return (next(), { value: t.value === 'true', type: 'boolean', token: t });
    return expected('a number, a quoted string, true or false');
  };
  const checkType = (attribute: string, type: AttributeType, at: Token) => {
    const want = ATTRIBUTES[attribute]!.type;
    if (want !== type) throw new PredicateError(`:${attribute}: is a ${want}, compared with a ${type}`, at.position);
  };

  const comparison = (): Predicate => {
    const head = peek();
    if (head.kind !== 'attribute') return expected('an :attribute:, not or (');
    next();
    const attribute = attributeOf(head);
    const negated = isKeyword('not');
    if (negated) next();
    if (isKeyword('in')) {
      next();
      if (peek().kind !== 'lparen') expected("'(' after in");
      next();
      const values: Value[] = [];
      for (;;) {
        const item = literal();
        checkType(attribute, item.type, item.token);
        values.push(item.value);
        if (values.length > PREDICATE_LIMITS.maxListItems)
          throw new PredicateError(`more than ${PREDICATE_LIMITS.maxListItems} values in a list`, item.token.position);
        if (peek().kind === 'comma') {
          next();
          continue;
        }
        if (peek().kind === 'rparen') {
          next();
          break;
        }
        expected("',' or ')'");
      }
      return { kind: 'in', attribute, negated, values };
    }
    if (negated) expected('in after not');
    const opToken = peek();
    if (opToken.kind !== 'op') return expected('a comparison (=, !=, <, <=, >, >=) or in');
    next();
    const op = opToken.value as CompareOp;
    let operand: Operand;
    const right = peek();
    if (right.kind === 'attribute') {
      next();
      const name = attributeOf(right);
      checkType(attribute, ATTRIBUTES[name]!.type, right);
      operand = { kind: 'attribute', name };
    } else {
      const item = literal();
      checkType(attribute, item.type, item.token);
      operand = { kind: 'literal', value: item.value };
    }
    if ((op === '<' || op === '<=' || op === '>' || op === '>=') && ATTRIBUTES[attribute]!.type !== 'number') {
      throw new PredicateError(`${op} compares numbers; :${attribute}: is a ${ATTRIBUTES[attribute]!.type}`, opToken.position);
    }
    return { kind: 'compare', attribute, op, operand };
  };

  const primary = (): Predicate => {
    const t = peek();
    if (t.kind === 'lparen') {
      next();
      enter(t);
      const inner = orExpr();
      if (peek().kind !== 'rparen') expected("')'");
      next();
      depth--;
      return inner;
    }
    return comparison();
  };
  const notExpr = (): Predicate => {
    const t = peek();
    if (t.kind === 'keyword' && t.value === 'not') {
      next();
      enter(t);
      const operand = notExpr();
      depth--;
      return { kind: 'not', operand };
    }
    return primary();
  };
  const andExpr = (): Predicate => {
    let left = notExpr();
    while (isKeyword('and')) {
      next();
      left = { kind: 'and', left, right: notExpr() };
    }
    return left;
  };
  function orExpr(): Predicate {
    let left = andExpr();
    while (isKeyword('or')) {
      next();
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  }

  const tree = orExpr();
  if (peek().kind !== 'end') expected('and, or or the end of the predicate');
  return tree;
}
