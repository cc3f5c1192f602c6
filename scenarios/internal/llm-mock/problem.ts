/**
 * A long, strategic problem statement: heuristic complexity 9 (>= 50 words plus a strategic
 * keyword), so the engine picks 5 personas, the audit's example. `variantOf` gives distinct but
 * equally complex problems for repeats over different deliberations.
 */
export const STRATEGIC_PROBLEM =
  'Our subscription analytics product grows slowly in its home market. Should we expand into Germany and France next year ' +
  'through a reseller partner or by hiring our own sales team, given a tight budget, rising churn among small customers, ' +
  'strong local competitors, data-residency rules, a pricing model that may not suit European buyers, and a board that ' +
  'wants profitability within eighteen months? What strategy balances growth, risk and cash?';

const MARKETS = ['Germany and France', 'Spain and Italy', 'the Nordics', 'Poland and Czechia', 'the Benelux', 'the UK and Ireland'];

export function variantOf(index: number): string {
  return index === 0 ? STRATEGIC_PROBLEM : STRATEGIC_PROBLEM.replace('Germany and France', MARKETS[index % MARKETS.length] ?? 'Austria');
}
