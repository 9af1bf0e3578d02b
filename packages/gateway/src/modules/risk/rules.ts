import type { RuleRow } from './risk-tables.js';

/** What a merchant rule may do when its predicate matches (docs/risk.md). */
export const RULE_ACTIONS = ['block', 'review', 'request_3ds', 'allow'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];
export const MAX_RULES_PER_MERCHANT = 100;

export interface RuleView {
  object: 'risk_rule';
  id: string;
  action: RuleAction;
  predicate: string;
  created_at: string;
}

export function ruleView(rule: RuleRow): RuleView {
  return {
    object: 'risk_rule',
    id: rule.rule_id,
    action: rule.action as RuleAction,
    predicate: rule.predicate,
    created_at: new Date(rule.created_at).toISOString(),
  };
}
