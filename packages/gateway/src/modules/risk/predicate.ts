/**
 * The merchant-rule predicate language: a small hand-written tokenizer and a
 * recursive-descent parser producing an AST that is evaluated by walking it.
 * Nothing is ever handed to `eval`, `Function` or a SQL string: an input is
 * either a tree of the shapes below or a PredicateError naming the position.
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

export type AttributeType = 'number' | 'string' | 'boolean';
export type Value = number | string | boolean;

/** Every attribute a rule may name, with its type and what it means (documented in docs/risk.md). */
export const ATTRIBUTES: Record<string, { type: AttributeType; description: string }> = {
  amount: { type: 'number', description: 'the session amount in major units (12.50)' },
  currency: { type: 'string', description: 'the session currency (usd)' },
  customer_reference: { type: 'string', description: "the merchant's customer reference" },
  email_domain: { type: 'string', description: "the domain of the customer's e-mail address" },
  ip_country: { type: 'string', description: 'ISO country of the client IP (GeoIP)' },
  card_country: { type: 'string', description: 'ISO country of the card issuer, when the network reports it' },
  card_brand: { type: 'string', description: 'card brand as the network reports it (MASTERCARD, VISA)' },
  three_ds: { type: 'string', description: 'authenticated | failed | not_attempted | unknown' },
  risk_score: { type: 'number', description: 'the model score, 0–100' },
  risk_level: { type: 'string', description: 'normal | elevated | highest' },
  hour_of_day: { type: 'number', description: 'UTC hour of the attempt, 0–23' },
  amount_zscore: { type: 'number', description: "z-score of the amount against the merchant's own history" },
  is_disposable_email: { type: 'boolean', description: 'the e-mail domain is a known disposable-mail provider' },
  is_new_device_for_customer: { type: 'boolean', description: 'a known customer on a device never seen for them' },
  is_ip_card_country_mismatch: { type: 'boolean', description: 'client-IP country differs from the card country' },
  attempts_per_device_hourly: { type: 'number', description: 'attempts from this device fingerprint, last hour' },
  declines_per_device_hourly: { type: 'number', description: 'declined or blocked attempts from this device, last hour' },
  attempts_per_ip_hourly: { type: 'number', description: 'attempts from this client IP, last hour' },
  declines_per_ip_hourly: { type: 'number', description: 'declined or blocked attempts from this client IP, last hour' },
  attempts_per_card_hourly: { type: 'number', description: 'attempts with this card, last hour' },
  declines_per_card_daily: { type: 'number', description: 'declined or blocked attempts with this card, last 24 hours' },
  attempts_per_customer_daily: { type: 'number', description: 'attempts by this customer_reference, last 24 hours' },
  attempts_per_email_daily: { type: 'number', description: 'attempts with this e-mail, last 24 hours' },
  cards_per_device_daily: { type: 'number', description: 'distinct cards tried from this device, last 24 hours' },
};

export const PREDICATE_LIMITS = { maxLength: 2048, maxDepth: 12, maxTokens: 400, maxListItems: 100 } as const;

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Operand = { kind: 'literal'; value: Value } | { kind: 'attribute'; name: string };

export type Predicate =
  | { kind: 'or'; left: Predicate; right: Predicate }
  | { kind: 'and'; left: Predicate; right: Predicate }
  | { kind: 'not'; operand: Predicate }
  | { kind: 'compare'; attribute: string; op: CompareOp; operand: Operand }
  | { kind: 'in'; attribute: string; negated: boolean; values: Value[] };

/** A predicate the language refuses, with the 1-based character position of the fault. */
export class PredicateError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'PredicateError';
  }
}

type TokenKind = 'attribute' | 'number' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'keyword' | 'end';
export interface Token {
  kind: TokenKind;
  text: string;
  /** Parsed value: the number, the unescaped string, the attribute name, the lower-cased keyword. */
  value: string | number;
  position: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false']);

/** Splits a predicate into tokens; anything outside the language is refused where it starts. */
export function tokenize(source: string): Token[] {
  if (source.length > PREDICATE_LIMITS.maxLength)
    throw new PredicateError(`predicate longer than ${PREDICATE_LIMITS.maxLength} characters`, PREDICATE_LIMITS.maxLength + 1);
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string, value: string | number, start: number) => {
    tokens.push({ kind, text, value, position: start + 1 });
    if (tokens.length > PREDICATE_LIMITS.maxTokens) throw new PredicateError(`predicate has more than ${PREDICATE_LIMITS.maxTokens} tokens`, start + 1);
  };
  while (i < source.length) {
    const c = source[i]!;
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === ':') {
      const m = /^:([a-z][a-z0-9_]{0,63}):/.exec(source.slice(i, i + 67));
      if (!m) throw new PredicateError('malformed attribute (expected :name: with lower-case letters, digits, _)', start + 1);
      i += m[0].length;
      push('attribute', m[0], m[1]!, start);
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new PredicateError('unterminated string', start + 1);
        const ch = source[i]!;
        if (ch === '\\' && (source[i + 1] === "'" || source[i + 1] === '\\')) {
          text += source[i + 1];
          i += 2;
        } else if (ch === "'") {
          i++;
          break;
        } else {
          text += ch;
          i++;
        }
      }
      push('string', source.slice(start, i), text, start);
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^-?[0-9]{1,15}(\.[0-9]{1,15})?/.exec(source.slice(i, i + 40))!;
      i += m[0].length;
      if (/[0-9.]/.test(source[i] ?? '')) throw new PredicateError('malformed number', start + 1);
      push('number', m[0], Number(m[0]), start);
    } else if (c === '(') {
      i++;
      push('lparen', c, c, start);
    } else if (c === ')') {
      i++;
      push('rparen', c, c, start);
    } else if (c === ',') {
      i++;
      push('comma', c, c, start);
    } else if (c === '=' || c === '<' || c === '>' || c === '!') {
      const two = source.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        i += 2;
        push('op', two, two, start);
      } else if (c === '!') {
        throw new PredicateError("unexpected character '!' (did you mean != or not?)", start + 1);
      } else {
        i++;
        push('op', c, c, start);
      }
    } else if (/[a-zA-Z]/.test(c)) {
      const m = /^[a-zA-Z_]+/.exec(source.slice(i, i + 32))!;
      const word = m[0].toLowerCase();
      if (!KEYWORDS.has(word)) throw new PredicateError(`unknown word '${m[0].slice(0, 20)}' (attributes are written :name:, strings 'quoted')`, start + 1);
      i += m[0].length;
      push('keyword', m[0], word, start);
    } else {
      const shown = c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e ? `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}` : `'${c}'`;
      throw new PredicateError(`unexpected character ${shown}`, start + 1);
    }
  }
  tokens.push({ kind: 'end', text: '', value: '', position: source.length + 1 });
  return tokens;
}

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

/** The attribute values of one attempt; `undefined` = not known (every comparison with it is false). */
export type Attributes = Partial<Record<string, Value | undefined>>;

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
