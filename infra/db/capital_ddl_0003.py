"""Frozen DDL of the capital tables as of revision 0003_capital (generated once from tables_capital.py).

A later change to the tables is a new migration; this file never changes.
"""

DDL = [
    """CREATE TABLE products (
    id UUID NOT NULL,
    tenant_id UUID NOT NULL,
    name TEXT NOT NULL,
    description TEXT DEFAULT '' NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_products PRIMARY KEY (id),
    CONSTRAINT fk_products_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id)
)
""",
    """CREATE TABLE campaigns (
    id UUID NOT NULL,
    tenant_id UUID NOT NULL,
    product_id UUID NOT NULL,
    name TEXT NOT NULL,
    description TEXT DEFAULT '' NOT NULL,
    owner_user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    capital_budget_usd NUMERIC(18, 6),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_campaigns PRIMARY KEY (id),
    CONSTRAINT fk_campaigns_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_campaigns_product_id_products FOREIGN KEY(product_id) REFERENCES products (id)
)
""",
    """CREATE TABLE experiments (
    id UUID NOT NULL,
    tenant_id UUID NOT NULL,
    campaign_id UUID NOT NULL,
    name TEXT NOT NULL,
    hypothesis TEXT NOT NULL,
    status TEXT NOT NULL,
    pause_reason TEXT,
    start_date DATE,
    end_date DATE,
    capital_cap_usd NUMERIC(18, 6) NOT NULL,
    time_cap_days NUMERIC(12, 4) NOT NULL,
    tranche_size_usd NUMERIC(18, 6) NOT NULL,
    primary_success_event TEXT NOT NULL,
    secondary_events TEXT[] NOT NULL,
    denominator_event TEXT NOT NULL,
    evaluation_logic TEXT DEFAULT '' NOT NULL,
    evaluation_recommended_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_experiments PRIMARY KEY (id),
    CONSTRAINT fk_experiments_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_experiments_campaign_id_campaigns FOREIGN KEY(campaign_id) REFERENCES campaigns (id)
)
""",
    """CREATE TABLE experiment_runs (
    id BIGSERIAL NOT NULL,
    experiment_id UUID NOT NULL,
    campaign_id UUID NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    stopped_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_experiment_runs PRIMARY KEY (id),
    CONSTRAINT fk_experiment_runs_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments (id),
    CONSTRAINT fk_experiment_runs_campaign_id_campaigns FOREIGN KEY(campaign_id) REFERENCES campaigns (id)
)
""",
    """CREATE INDEX ix_experiment_runs_campaign ON experiment_runs (campaign_id, started_at)""",
    """CREATE TABLE bonus_rules (
    id UUID NOT NULL,
    experiment_id UUID NOT NULL,
    event_type TEXT NOT NULL,
    bonus_amount_usd NUMERIC(18, 6) NOT NULL,
    eligible_roles TEXT[] NOT NULL,
    max_per_period INTEGER,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_bonus_rules PRIMARY KEY (id),
    CONSTRAINT fk_bonus_rules_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments (id)
)
""",
    """CREATE TABLE leads (
    id UUID NOT NULL,
    tenant_id UUID NOT NULL,
    campaign_id UUID NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    terminal_state TEXT,
    terminal_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_leads PRIMARY KEY (id),
    CONSTRAINT fk_leads_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_leads_campaign_id_campaigns FOREIGN KEY(campaign_id) REFERENCES campaigns (id)
)
""",
    """CREATE TABLE team_logins (
    id UUID NOT NULL,
    campaign_id UUID NOT NULL,
    email TEXT NOT NULL,
    person_name TEXT NOT NULL,
    role TEXT NOT NULL,
    hourly_rate_usd NUMERIC(18, 6) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_team_logins PRIMARY KEY (id),
    CONSTRAINT fk_team_logins_campaign_id_campaigns FOREIGN KEY(campaign_id) REFERENCES campaigns (id),
    CONSTRAINT uq_team_logins_email UNIQUE (email)
)
""",
    """CREATE TABLE labor_hours (
    login_id UUID NOT NULL,
    day DATE NOT NULL,
    hours NUMERIC(8, 3) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_labor_hours PRIMARY KEY (login_id, day),
    CONSTRAINT fk_labor_hours_login_id_team_logins FOREIGN KEY(login_id) REFERENCES team_logins (id)
)
""",
    """CREATE TABLE dialer_calls (
    id UUID NOT NULL,
    tenant_id UUID NOT NULL,
    campaign_id UUID NOT NULL,
    lead_id UUID NOT NULL,
    login_id UUID NOT NULL,
    twilio_call_sid TEXT NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_s INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    recording_requested BOOLEAN NOT NULL,
    experiment_id UUID,
    recorded_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_dialer_calls PRIMARY KEY (id),
    CONSTRAINT uq_dialer_calls_twilio_call_sid UNIQUE (twilio_call_sid)
)
""",
    """CREATE TABLE canonical_events (
    id BIGSERIAL NOT NULL,
    tenant_id UUID NOT NULL,
    campaign_id UUID NOT NULL,
    lead_id UUID NOT NULL,
    login_id UUID,
    call_id UUID,
    external_id TEXT,
    type TEXT NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    experiment_id UUID,
    recorded_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_canonical_events PRIMARY KEY (id),
    CONSTRAINT uq_canonical_events_external_id UNIQUE (external_id)
)
""",
    """CREATE INDEX ix_canonical_events_exp ON canonical_events (experiment_id, occurred_at, type)""",
    """CREATE TABLE bonuses (
    id UUID NOT NULL,
    experiment_id UUID NOT NULL,
    rule_id UUID NOT NULL,
    event_id BIGINT NOT NULL,
    login_id UUID NOT NULL,
    period TEXT NOT NULL,
    amount_usd NUMERIC(18, 6) NOT NULL,
    earned_at TIMESTAMP WITH TIME ZONE NOT NULL,
    status TEXT NOT NULL,
    paid_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_bonuses PRIMARY KEY (id),
    CONSTRAINT fk_bonuses_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments (id),
    CONSTRAINT fk_bonuses_rule_id_bonus_rules FOREIGN KEY(rule_id) REFERENCES bonus_rules (id),
    CONSTRAINT uq_bonuses_event_id UNIQUE (event_id),
    CONSTRAINT fk_bonuses_event_id_canonical_events FOREIGN KEY(event_id) REFERENCES canonical_events (id),
    CONSTRAINT fk_bonuses_login_id_team_logins FOREIGN KEY(login_id) REFERENCES team_logins (id)
)
""",
    """CREATE TABLE evaluations (
    id UUID NOT NULL,
    experiment_id UUID NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    capital_cap_usd NUMERIC(18, 6) NOT NULL,
    time_cap_days NUMERIC(12, 4) NOT NULL,
    tranche_size_usd NUMERIC(18, 6) NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT NOT NULL,
    recommended_next_action TEXT NOT NULL,
    admin_notes TEXT NOT NULL,
    admin_principal_id UUID NOT NULL,
    CONSTRAINT pk_evaluations PRIMARY KEY (id),
    CONSTRAINT fk_evaluations_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments (id)
)
""",
    """CREATE TABLE overrides (
    id UUID NOT NULL,
    experiment_id UUID NOT NULL,
    evaluation_id UUID NOT NULL,
    rationale TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    admin_principal_id UUID NOT NULL,
    CONSTRAINT pk_overrides PRIMARY KEY (id),
    CONSTRAINT fk_overrides_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments (id),
    CONSTRAINT fk_overrides_evaluation_id_evaluations FOREIGN KEY(evaluation_id) REFERENCES evaluations (id)
)
""",
    """CREATE TABLE capital_alerts (
    id BIGSERIAL NOT NULL,
    experiment_id UUID NOT NULL,
    kind TEXT NOT NULL,
    cap_epoch INTEGER NOT NULL,
    detail JSONB NOT NULL,
    raised_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_capital_alerts PRIMARY KEY (id),
    CONSTRAINT fk_capital_alerts_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments (id)
)
""",
    """CREATE UNIQUE INDEX uq_capital_alerts_once ON capital_alerts (experiment_id, kind, cap_epoch)
    WHERE kind <> 'evaluation_requested'""",
    """CREATE TABLE cost_rollups (
    date DATE NOT NULL,
    campaign_id UUID NOT NULL,
    experiment_id UUID,
    source TEXT NOT NULL,
    cost_usd NUMERIC(18, 6) NOT NULL,
    computed_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT fk_cost_rollups_campaign_id_campaigns FOREIGN KEY(campaign_id) REFERENCES campaigns (id)
)
""",
    """CREATE INDEX ix_cost_rollups_exp ON cost_rollups (experiment_id, date)""",
    """CREATE TABLE campaign_cost_sources (
    source TEXT NOT NULL,
    external_key TEXT NOT NULL,
    campaign_id UUID NOT NULL,
    CONSTRAINT pk_campaign_cost_sources PRIMARY KEY (source, external_key),
    CONSTRAINT fk_campaign_cost_sources_campaign_id_campaigns FOREIGN KEY(campaign_id) REFERENCES campaigns (id)
)
""",
    """CREATE TABLE twilio_usage_records (
    id BIGSERIAL NOT NULL,
    account_sid TEXT NOT NULL,
    category TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    usage NUMERIC(18, 4) NOT NULL,
    usage_unit TEXT NOT NULL,
    count INTEGER NOT NULL,
    price NUMERIC(18, 6) NOT NULL,
    price_unit TEXT NOT NULL,
    CONSTRAINT pk_twilio_usage_records PRIMARY KEY (id)
)
""",
    """CREATE INDEX ix_twilio_usage_day ON twilio_usage_records (start_date)""",
    """CREATE TABLE gcp_billing_export (
    id BIGSERIAL NOT NULL,
    project_id TEXT NOT NULL,
    service_description TEXT NOT NULL,
    sku_description TEXT NOT NULL,
    usage_start_time TIMESTAMP WITH TIME ZONE NOT NULL,
    usage_end_time TIMESTAMP WITH TIME ZONE NOT NULL,
    cost NUMERIC(18, 6) NOT NULL,
    credits_amount NUMERIC(18, 6) DEFAULT '0' NOT NULL,
    currency TEXT NOT NULL,
    CONSTRAINT pk_gcp_billing_export PRIMARY KEY (id)
)
""",
    """CREATE INDEX ix_gcp_billing_usage_start ON gcp_billing_export (usage_start_time)""",
    """CREATE TABLE weekly_summaries (
    week TEXT NOT NULL,
    summary JSONB NOT NULL,
    generated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_weekly_summaries PRIMARY KEY (week)
)
""",
]
