import type pg from 'pg';

/**
 * Persona codes the seeded contributions reference (bo1 seeds 46 from personas.json). Upserted,
 * not copied: the engine may already have inserted its own catalogue under the same codes.
 */
export const SEED_PERSONAS: readonly (readonly [code: string, name: string, expertise: string])[] = [
  ['growth_hacker', 'Growth Hacker', 'acquisition loops, experiments'],
  ['cfo', 'Chief Financial Officer', 'cash flow, unit economics'],
  ['cto', 'Chief Technology Officer', 'architecture, technical risk'],
  ['cmo', 'Chief Marketing Officer', 'positioning, channels'],
  ['coo', 'Chief Operating Officer', 'operations, process'],
  ['product_manager', 'Product Manager', 'roadmaps, prioritisation'],
  ['ux_researcher', 'UX Researcher', 'user interviews, usability'],
  ['data_scientist', 'Data Scientist', 'modelling, measurement'],
  ['sales_director', 'Sales Director', 'pipeline, enterprise deals'],
  ['customer_success', 'Customer Success Lead', 'retention, onboarding'],
  ['legal_counsel', 'Legal Counsel', 'contracts, compliance'],
  ['hr_lead', 'People Lead', 'hiring, culture'],
  ['investor', 'Venture Investor', 'fundraising, valuation'],
  ['brand_strategist', 'Brand Strategist', 'identity, messaging'],
  ['pricing_expert', 'Pricing Expert', 'packaging, willingness to pay'],
  ['supply_chain', 'Supply Chain Manager', 'logistics, sourcing'],
  ['security_expert', 'Security Engineer', 'threat models, audits'],
  ['devops_lead', 'DevOps Lead', 'reliability, delivery'],
  ['content_strategist', 'Content Strategist', 'editorial, SEO'],
  ['seo_specialist', 'SEO Specialist', 'search ranking'],
  ['community_manager', 'Community Manager', 'engagement, advocacy'],
  ['partnerships', 'Partnerships Lead', 'alliances, channels'],
  ['economist', 'Economist', 'markets, macro trends'],
  ['behavioral_scientist', 'Behavioural Scientist', 'nudges, decision biases'],
  ['designer', 'Product Designer', 'interaction, visual design'],
  ['copywriter', 'Copywriter', 'conversion copy'],
  ['accountant', 'Accountant', 'tax, bookkeeping'],
  ['risk_analyst', 'Risk Analyst', 'scenario analysis'],
  ['ethicist', 'Ethicist', 'responsible decisions'],
  ['sustainability', 'Sustainability Advisor', 'ESG, footprint'],
  ['operations_analyst', 'Operations Analyst', 'throughput, bottlenecks'],
  ['procurement', 'Procurement Manager', 'vendors, negotiation'],
  ['market_researcher', 'Market Researcher', 'sizing, segmentation'],
  ['founder_coach', 'Founder Coach', 'leadership, focus'],
  ['skeptic', "Devil's Advocate", 'challenging assumptions'],
  ['customer_voice', 'Customer Advocate', 'jobs to be done'],
  ['international', 'International Expansion Lead', 'localisation, new markets'],
  ['regulatory', 'Regulatory Specialist', 'licensing, regulation'],
  ['ai_specialist', 'AI Specialist', 'ML products, automation'],
  ['platform_architect', 'Platform Architect', 'APIs, ecosystems'],
  ['retail_expert', 'Retail Expert', 'merchandising, stores'],
  ['healthcare_advisor', 'Healthcare Advisor', 'clinical, payers'],
  ['education_expert', 'Education Expert', 'learning design'],
  ['fintech_advisor', 'Fintech Advisor', 'payments, lending'],
  ['negotiator', 'Negotiation Expert', 'deal structure'],
  ['facilitator', 'Facilitator', 'synthesis, consensus'],
];

export async function upsertPersonas(client: pg.PoolClient | pg.Client): Promise<number> {
  const res = await client.query(
    `INSERT INTO personas (code, name, expertise, system_prompt, is_dynamic, created_at)
     SELECT code, name, expertise, 'You are the ' || name || ' on a board of advisers.', false, $4::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[]) AS p(code, name, expertise)
     ON CONFLICT (code) DO NOTHING`,
    [SEED_PERSONAS.map((p) => p[0]), SEED_PERSONAS.map((p) => p[1]), SEED_PERSONAS.map((p) => p[2]), '2025-01-01T00:00:00Z'],
  );
  return res.rowCount ?? 0;
}
