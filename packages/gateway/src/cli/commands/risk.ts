import { type Command, Option } from 'commander';
import { ApiError } from '../../errors.js';
import { PredicateError } from '../../modules/risk/predicate.js';
import { RULE_ACTIONS, type RuleAction } from '../../modules/risk/rules.js';
import { withServices } from './context.js';
import { note, out, printResult } from '../output.js';

/** `pdirect risk rule add`: the same parser and limits as POST /v1/risk/rules. */
export async function riskRuleAddCommand(options: { merchant: string; action: string; predicate: string; json?: boolean }): Promise<void> {
  if (!(RULE_ACTIONS as readonly string[]).includes(options.action)) throw new ApiError('1010', `action: one of ${RULE_ACTIONS.join(', ')}`);
  await withServices(async ({ merchants, risk }) => {
    await merchants.get(options.merchant);
    try {
      printResult({ ...(await risk.addRule(options.merchant, { action: options.action as RuleAction, predicate: options.predicate })) }, Boolean(options.json));
    } catch (err) {
      if (err instanceof PredicateError) throw new ApiError('1010', `predicate: ${err.message}`);
      throw err;
    }
  });
}

export async function riskRuleListCommand(options: { merchant: string; json?: boolean }): Promise<void> {
  await withServices(async ({ merchants, risk }) => {
    await merchants.get(options.merchant);
    const rules = await risk.listRules(options.merchant);
    if (options.json) return printResult({ merchant_id: options.merchant, rules }, true);
    if (rules.length === 0) note('no rules: the model decides alone (≥ 75 block, ≥ 65 request 3-D Secure)');
    rules.forEach((r, i) => out(`${String(i + 1).padStart(3)}. ${r.id}  ${r.action.padEnd(11)}  ${r.predicate}\n`));
  });
}

export async function riskRuleRemoveCommand(options: { merchant: string; rule: string; json?: boolean }): Promise<void> {
  if (!/^rule_[a-z2-7]{20}$/.test(options.rule)) throw new ApiError('1010', 'rule: looks like rule_ followed by 20 characters');
  await withServices(async ({ merchants, risk }) => {
    await merchants.get(options.merchant);
    printResult({ ...(await risk.removeRule(options.merchant, options.rule)) }, Boolean(options.json));
  });
}

/**
 * `pdirect risk retrain`: refit the weights on this deployment's fraud
 * reports (or, with --synthetic, afresh on generated traffic) and store
 * them; every gateway process scores with them within 30 s.
 */
export async function riskRetrainCommand(options: { synthetic?: boolean; json?: boolean }): Promise<void> {
  await withServices(async ({ risk }) => {
    const result = await risk.retrain({ synthetic: Boolean(options.synthetic) });
    if (options.json) return printResult({ ...result }, true);
    printResult(
      {
        model_id: result.model_id,
        source: result.source,
        samples: result.samples,
        fraudulent: result.fraudulent,
        roc_auc: result.metrics.roc_auc,
        precision_at_75: result.metrics.precision_highest,
        recall_at_75: result.metrics.recall_highest,
        ...(result.previous_metrics ? { previous_roc_auc: result.previous_metrics.roc_auc } : {}),
      },
      false,
    );
    note(
      result.source === 'synthetic'
        ? '\nfigures measured on a held-out synthetic world, not on real payments'
        : '\nfigures measured on the reports themselves (in-sample): judge them with care on few reports',
    );
  });
}

/** The `pdirect risk ...` commands, registered on the program by one line in cli/main.ts. */
export function registerRiskCommands(program: Command): void {
  const json = () => new Option('--json', 'print the result as JSON');
  const risk = program.command('risk').description('fraud screening: merchant rules and model retraining (see docs/risk.md)');
  const rule = risk.command('rule').description("a merchant's risk rules, evaluated in order");
  rule
    .command('add')
    .description('add a rule at the end of the list')
    .requiredOption('--merchant <id>', 'merchant id (mch_...)')
    .requiredOption('--action <action>', 'block, review, request_3ds or allow')
    .requiredOption('--predicate <expression>', `e.g. ":card_country: in ('NG') and :amount: > 500"`)
    .addOption(json())
    .action(riskRuleAddCommand);
  rule
    .command('list')
    .description("a merchant's rules, in evaluation order")
    .requiredOption('--merchant <id>', 'merchant id (mch_...)')
    .addOption(json())
    .action(riskRuleListCommand);
  rule
    .command('remove')
    .description('remove a rule')
    .requiredOption('--merchant <id>', 'merchant id (mch_...)')
    .requiredOption('--rule <rule_id>', 'the rule id (rule_...)')
    .addOption(json())
    .action(riskRuleRemoveCommand);
  risk
    .command('retrain')
    .description("refit the model on this deployment's fraud reports (--synthetic: afresh on generated traffic)")
    .option('--synthetic', 'fit afresh on the labelled synthetic traffic generator')
    .addOption(json())
    .action(riskRetrainCommand);
}
