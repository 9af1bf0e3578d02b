import { describe, expect, it } from 'vitest';
import { evaluatePredicate, parsePredicate, PredicateError, PREDICATE_LIMITS, tokenize } from './predicate.js';

const attempt = {
  amount: 250,
  currency: 'usd',
  card_country: 'GB',
  ip_country: 'US',
  email_domain: 'mailinator.com',
  risk_score: 70,
  is_disposable_email: true,
  declines_per_device_hourly: 4,
};
const holds = (source: string, attrs: Record<string, unknown> = attempt) => evaluatePredicate(parsePredicate(source), attrs as never);
const failure = (source: string): PredicateError => {
  try {
    parsePredicate(source);
  } catch (err) {
    if (err instanceof PredicateError) return err;
    throw err;
  }
  throw new Error(`parsed: ${source}`);
};

describe('tokenizer', () => {
  it('reads attributes, numbers, strings with escapes, operators and keywords with 1-based positions', () => {
    const tokens = tokenize(":amount: >= -1.5 AND :email_domain: != 'o\\'neil' or (");
    expect(tokens.map((t) => [t.kind, t.value, t.position])).toEqual([
      ['attribute', 'amount', 1],
      ['op', '>=', 10],
      ['number', -1.5, 13],
      ['keyword', 'and', 18],
      ['attribute', 'email_domain', 22],
      ['op', '!=', 37],
      ['string', "o'neil", 40],
      ['keyword', 'or', 50],
      ['lparen', '(', 53],
      ['end', '', 54],
    ]);
  });
  it('refuses characters outside the language where they stand', () => {
    expect(() => tokenize(':amount: > 1; process.exit()')).toThrow(/unexpected character ';' at position 13/);
    expect(() => tokenize(':amount: > 1 ` ')).toThrow(/position 14/);
    expect(() => tokenize("'open")).toThrow(/unterminated string at position 1/);
    expect(() => tokenize(':Amount:')).toThrow(/malformed attribute at position 1|malformed attribute/);
    expect(() => tokenize('1.2.3')).toThrow(/malformed number/);
    expect(() => tokenize('! :a:')).toThrow(/did you mean/);
    expect(() => tokenize('exit')).toThrow(/unknown word 'exit' .* at position 1/);
  });
});

describe('grammar, one production at a time', () => {
  it('comparison with each compare_op', () => {
    expect(holds(':amount: = 250')).toBe(true);
    expect(holds(':amount: != 250')).toBe(false);
    expect(holds(':amount: < 250')).toBe(false);
    expect(holds(':amount: <= 250')).toBe(true);
    expect(holds(':amount: > 249.99')).toBe(true);
    expect(holds(':amount: >= 251')).toBe(false);
  });
  it('literal: number, quoted string (case-insensitive), true/false', () => {
    expect(holds(":currency: = 'USD'")).toBe(true);
    expect(holds(':is_disposable_email: = true')).toBe(true);
    expect(holds(':is_disposable_email: = false')).toBe(false);
    expect(parsePredicate(":email_domain: = 'it''s'".replace("''", "\\'"))).toMatchObject({ operand: { kind: 'literal', value: "it's" } });
  });
  it('operand may be another attribute of the same type', () => {
    expect(holds(':ip_country: != :card_country:')).toBe(true);
    expect(holds(':ip_country: = :card_country:')).toBe(false);
    expect(failure(':ip_country: = :amount:').message).toMatch(/:ip_country: is a string, compared with a number at position 16/);
  });
  it("in ( literal { ',' literal } ) and not in", () => {
    expect(holds(":card_country: in ('NG', 'gb')")).toBe(true);
    expect(holds(":card_country: not in ('NG', 'GB')")).toBe(false);
    expect(holds(':amount: in (1, 2, 250)')).toBe(true);
    expect(failure(":card_country: in ('NG' 'GB')").message).toMatch(/expected ',' or '\)' but found ''GB'' at position 25/);
    expect(failure(':card_country: in ()').message).toMatch(/expected a number, a quoted string, true or false but found '\)' at position 20/);
  });
  it('and_expr binds tighter than or_expr', () => {
    expect(holds(":amount: < 1 and :amount: < 2 or :currency: = 'usd'")).toBe(true);
    expect(parsePredicate(':amount: < 1 or :amount: < 2 and :amount: < 3')).toMatchObject({ kind: 'or', right: { kind: 'and' } });
    expect(holds(":amount: > 1 and :currency: = 'eur'")).toBe(false);
  });
  it('not_expr negates, and nests', () => {
    expect(holds("not :currency: = 'usd'")).toBe(false);
    expect(holds("not not :currency: = 'usd'")).toBe(true);
  });
  it('primary: parentheses group', () => {
    expect(holds("(:amount: < 1 or :amount: > 100) and :currency: = 'usd'")).toBe(true);
    expect(parsePredicate('(:amount: < 1 or :amount: > 2) and :amount: < 3')).toMatchObject({ kind: 'and', left: { kind: 'or' } });
    expect(failure('(:amount: < 1').message).toMatch(/expected '\)' but found end of predicate at position 14/);
  });
  it('attribute: unknown names are refused at parse time with their position', () => {
    expect(failure(":amount: > 1 and :favourite_colour: = 'red'").message).toBe('unknown attribute :favourite_colour: at position 18');
  });
  it('type checks: ordering only on numbers, literal types match the attribute', () => {
    expect(failure(":currency: > 'a'").message).toMatch(/> compares numbers/);
    expect(failure(":amount: = '12'").message).toMatch(/:amount: is a number, compared with a string at position 12/);
    expect(failure(':is_disposable_email: = 1').message).toMatch(/is a boolean/);
  });
  it('an unknown value makes its comparison false (and not of it true)', () => {
    expect(holds(":card_country: = 'GB'", {})).toBe(false);
    expect(holds(":card_country: != 'GB'", {})).toBe(false);
    expect(holds(":card_country: not in ('GB')", {})).toBe(false);
    expect(holds(":card_country: = 'GB'", { card_country: undefined })).toBe(false);
    expect(holds("not :card_country: = 'GB'", {})).toBe(true);
  });
});

describe('attacks and limits', () => {
  it('code after a valid predicate is refused, never run', () => {
    expect(failure(':amount: > 1; process.exit()').message).toBe("unexpected character ';' at position 13");
    expect(failure(':amount: > 1 process').message).toMatch(/unknown word 'process'/);
    expect(failure(":amount: > 1 or ''.constructor").message).toMatch(/unexpected character '\.'/);
    expect(failure(':constructor: = 1').message).toBe('unknown attribute :constructor: at position 1');
    expect(failure(':__proto__: = 1').message).toMatch(/malformed attribute/);
  });
  it('a trailing token after a complete predicate is an error naming it', () => {
    expect(failure(':amount: > 1 :amount:').message).toBe("expected and, or or the end of the predicate but found ':amount:' at position 14");
    expect(failure('').message).toBe('predicate is empty at position 1');
  });
  it('deep nesting is refused before the stack is at risk', () => {
    const depth = PREDICATE_LIMITS.maxDepth + 1;
    expect(failure(`${'('.repeat(depth)}:amount: > 1${')'.repeat(depth)}`).message).toMatch(
      new RegExp(`nesting deeper than ${PREDICATE_LIMITS.maxDepth} at position ${depth}`),
    );
    expect(failure(`${'not '.repeat(depth)}:amount: > 1`).message).toMatch(/nesting deeper/);
    expect(failure(`${'('.repeat(300)}`).message).toMatch(/nesting deeper/);
    const ok = PREDICATE_LIMITS.maxDepth;
    expect(holds(`${'('.repeat(ok)}:amount: > 1${')'.repeat(ok)}`)).toBe(true);
  });
  it('a 10 kB predicate is refused by length; token and list caps hold below it', () => {
    expect(failure(`:amount: > 1${' or :amount: > 1'.repeat(700)}`).message).toMatch(/longer than 2048 characters/);
    expect(failure(`:amount: in (${'1,'.repeat(250)}1)`).message).toMatch(/more than 400 tokens/);
    expect(failure(`:amount: in (${Array.from({ length: 101 }, (_, i) => i).join(',')})`).message).toMatch(/more than 100 values/);
  });
});
