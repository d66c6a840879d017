-- The host's own tables, in schema bothost. db_migrate() creates the schema and
-- bothost.schema_migrations itself before it applies anything (it needs them to
-- know what is applied), so they are not created here.

-- Durable jobs (host/db/db_jobs.c). A job is 'pending' until it succeeds (then it
-- is deleted) or fails max_attempts times (then it is 'dead', kept for a look).
-- 'running' exists only inside the transaction of the worker that claimed the
-- job: it is never committed, so a crash leaves the job pending.
CREATE TABLE bothost.jobs (
    id          bigserial PRIMARY KEY,
    plugin      text        NOT NULL CHECK (length(plugin) BETWEEN 1 AND 32),
    kind        text        NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
    key         text,
    run_at      timestamptz NOT NULL DEFAULT now(),
    payload     jsonb       NOT NULL DEFAULT '{}',
    attempts    int         NOT NULL DEFAULT 0,
    state       text        NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'running', 'dead')),
    last_error  text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One pending job per (plugin, kind, key): scheduling with a key replaces it.
CREATE UNIQUE INDEX jobs_pending_key ON bothost.jobs (plugin, kind, key)
    WHERE key IS NOT NULL AND state = 'pending';

-- The due query: earliest pending first.
CREATE INDEX jobs_due ON bothost.jobs (run_at, id) WHERE state = 'pending';

-- One row per command a user ran, for audits and statistics.
CREATE TABLE bothost.command_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    guild_id    bigint,
    channel_id  bigint,
    user_id     bigint      NOT NULL,
    plugin      text        NOT NULL,
    command     text        NOT NULL,
    options     jsonb,
    outcome     text        NOT NULL,
    latency_ms  int,
    error       text
);

CREATE INDEX command_log_at ON bothost.command_log (at);
CREATE INDEX command_log_guild_at ON bothost.command_log (guild_id, at);
