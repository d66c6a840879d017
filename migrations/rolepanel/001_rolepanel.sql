-- rolepanel: role panels, their roles, and what members did with them.
-- The host creates the schema and sets search_path to it.

-- Per guild settings (/rolepanel config).
CREATE TABLE guild_config (
    guild_id          bigint PRIMARY KEY,
    audit_channel_id  bigint,
    updated_by        bigint,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- A panel: drafted in the editor, then posted as one message.
-- state: draft (never posted), posted, broken (its message or channel is gone).
CREATE TABLE panels (
    id                bigserial PRIMARY KEY,
    guild_id          bigint      NOT NULL,
    title             text        NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    description       text        NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    kind              text        NOT NULL DEFAULT 'buttons' CHECK (kind IN ('buttons', 'select')),
    mode              text        NOT NULL DEFAULT 'toggle'
                                  CHECK (mode IN ('toggle', 'unique', 'verify', 'drop', 'binding')),
    min_roles         int         NOT NULL DEFAULT 0 CHECK (min_roles BETWEEN 0 AND 25),
    max_roles         int         NOT NULL DEFAULT 0 CHECK (max_roles BETWEEN 0 AND 25),
    required_role_id  bigint,
    excluded_role_id  bigint,
    temp_seconds      bigint      NOT NULL DEFAULT 0 CHECK (temp_seconds >= 0),
    channel_id        bigint,
    message_id        bigint,
    state             text        NOT NULL DEFAULT 'draft'
                                  CHECK (state IN ('draft', 'posted', 'broken')),
    broken_reason     text,
    created_by        bigint      NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX panels_guild ON panels (guild_id, id);
CREATE UNIQUE INDEX panels_message ON panels (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX panels_channel ON panels (channel_id) WHERE channel_id IS NOT NULL;

-- The roles of a panel, in display order. admin_top_role_id is the highest role
-- of the admin who added it: the role must stay below that one (no escalation).
CREATE TABLE panel_roles (
    panel_id           bigint  NOT NULL REFERENCES panels ON DELETE CASCADE,
    role_id            bigint  NOT NULL,
    position           int     NOT NULL,
    label              text    NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
    emoji              text,
    style              int     NOT NULL DEFAULT 2 CHECK (style BETWEEN 1 AND 4),
    description        text,
    added_by           bigint  NOT NULL,
    admin_top_role_id  bigint,
    dangerous_ok       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (panel_id, role_id)
);
CREATE INDEX panel_roles_role ON panel_roles (role_id);

-- Binding mode: the one choice a member made, ever.
CREATE TABLE bindings (
    panel_id   bigint      NOT NULL REFERENCES panels ON DELETE CASCADE,
    user_id    bigint      NOT NULL,
    role_id    bigint      NOT NULL,
    chosen_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (panel_id, user_id)
);

-- Per member bookkeeping for the cooldown, read under the member's advisory lock.
CREATE TABLE members (
    guild_id        bigint      NOT NULL,
    user_id         bigint      NOT NULL,
    last_click_at   timestamptz NOT NULL,
    last_change_at  timestamptz,
    PRIMARY KEY (guild_id, user_id)
);

-- Temporary roles given by a panel; the "expire" job removes them.
CREATE TABLE temp_roles (
    guild_id    bigint      NOT NULL,
    user_id     bigint      NOT NULL,
    role_id     bigint      NOT NULL,
    panel_id    bigint,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, user_id, role_id)
);

-- Every change, posted to the audit channel in batches by the "audit" job.
CREATE TABLE audit (
    id         bigserial PRIMARY KEY,
    guild_id   bigint      NOT NULL,
    panel_id   bigint,
    user_id    bigint      NOT NULL,
    added      bigint[]    NOT NULL DEFAULT '{}',
    removed    bigint[]    NOT NULL DEFAULT '{}',
    cause      text        NOT NULL CHECK (cause IN ('click', 'expired')),
    at         timestamptz NOT NULL DEFAULT now(),
    posted_at  timestamptz
);
CREATE INDEX audit_unposted ON audit (guild_id, id) WHERE posted_at IS NULL;

-- Refused clicks, counted and reported as one summary, not one message each.
-- total never resets; pending is what the next summary reports.
CREATE TABLE refusals (
    guild_id   bigint NOT NULL,
    panel_id   bigint NOT NULL,
    reason     text   NOT NULL,
    total      bigint NOT NULL DEFAULT 0,
    pending    bigint NOT NULL DEFAULT 0,
    last_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, panel_id, reason)
);
