import { PREDICATE_LIMITS, PredicateError } from './predicate-types.js';

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
