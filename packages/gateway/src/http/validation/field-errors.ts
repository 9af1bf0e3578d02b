/**
 * Schema-validation failures in plain words: every invalid field of a
 * request, each with its dotted `param`, a short machine-readable `code`
 * and a message a person can act on — never the validator's own wording.
 */
import type { FieldError } from '../../errors.js';

/** The parts of an Ajv error this needs (Fastify hands these over on `error.validation`). */
export interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function dotted(instancePath: string): string {
  return instancePath
    .replace(/^\//, '')
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(...parts: Array<string | undefined>): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('.');
}

function describe(issue: ValidationIssue, base: string, consts: unknown[]): { param: string; code: string; problem: string } | undefined {
  const p = issue.params;
  switch (issue.keyword) {
    case 'required':
      return { param: join(base, String(p.missingProperty)), code: 'required', problem: 'is required' };
    case 'additionalProperties':
      return { param: join(base, String(p.additionalProperty)), code: 'unknown_field', problem: 'is not an accepted field' };
    case 'type': {
      const types = String(p.type).split(',');
      return { param: base, code: 'invalid_type', problem: `must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}` };
    }
    case 'minLength':
      return p.limit === 1
        ? { param: base, code: 'required', problem: 'must not be empty' }
        : { param: base, code: 'too_short', problem: `must be at least ${String(p.limit)} characters` };
    case 'maxLength':
      return { param: base, code: 'too_long', problem: `must be at most ${String(p.limit)} characters` };
    case 'pattern':
    case 'format':
      return { param: base, code: 'invalid_format', problem: 'is not in the accepted format' };
    case 'minimum':
    case 'exclusiveMinimum':
      return { param: base, code: 'out_of_range', problem: `must be at least ${String(p.limit)}` };
    case 'maximum':
    case 'exclusiveMaximum':
      return { param: base, code: 'out_of_range', problem: `must be at most ${String(p.limit)}` };
    case 'maxProperties':
      return { param: base, code: 'too_many', problem: `must have at most ${String(p.limit)} entries` };
    case 'const':
    case 'enum':
    case 'anyOf': {
      const allowed = issue.keyword === 'enum' ? (p.allowedValues as unknown[]) : issue.keyword === 'const' ? [p.allowedValue] : consts;
      const list = allowed.map((v) => JSON.stringify(v)).join(', ');
      return {
        param: base,
        code: 'invalid_value',
        problem: allowed.length > 1 ? `must be one of ${list}` : allowed.length === 1 ? `must be ${list}` : 'is not an accepted value',
      };
    }
    default:
      return { param: base, code: 'invalid', problem: 'is invalid' };
  }
}

/**
 * One entry per invalid field, in the validator's order. A union of
 * literals (which the validator reports once per branch, then as `anyOf`)
 * becomes one "must be one of …" entry.
 */
export function fieldErrors(issues: readonly ValidationIssue[], context = 'body'): FieldError[] {
  const constsAt = new Map<string, unknown[]>();
  for (const issue of issues) {
    if (issue.keyword === 'const') constsAt.set(issue.instancePath, [...(constsAt.get(issue.instancePath) ?? []), issue.params.allowedValue]);
  }
  const unions = new Set(issues.filter((i) => i.keyword === 'anyOf').map((i) => i.instancePath));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.keyword === 'const' && unions.has(issue.instancePath)) continue; // said once, by the anyOf entry
    const described = describe(issue, dotted(issue.instancePath), constsAt.get(issue.instancePath) ?? []);
    if (!described) continue;
    const param = described.param || context;
    if (seen.has(param)) continue; // one entry per field: the first problem found
    seen.add(param);
    errors.push({ param, code: described.code, message: `${param} ${described.problem}` });
  }
  return errors;
}
