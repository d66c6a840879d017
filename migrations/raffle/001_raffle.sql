-- The raffle plugin's tables. Discord ids are bigint, times timestamptz.

-- Per-guild settings (/raffle config).
CREATE TABLE guild_config (
    guild_id        bigint PRIMARY KEY,
    manager_role_id bigint,
    channel_id      bigint,
    log_channel_id  bigint,
    payment_text    text NOT NULL DEFAULT '',
    max_per_member  integer NOT NULL DEFAULT 0 CHECK (max_per_member >= 0),  -- 0: no limit
    claim_window_s  bigint NOT NULL DEFAULT 604800 CHECK (claim_window_s > 0),
    free_only       boolean NOT NULL DEFAULT false,
    updated_by      bigint,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raffles (
    id                bigserial PRIMARY KEY,
    guild_id          bigint NOT NULL,
    channel_id        bigint NOT NULL,
    message_id        bigint,
    created_by        bigint NOT NULL,
    title             text NOT NULL,
    prize             text NOT NULL,
    spots             integer NOT NULL CHECK (spots >= 1),
    price_cents       bigint NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
    winners           integer NOT NULL CHECK (winners BETWEEN 1 AND 20),
    close_when_full   boolean NOT NULL DEFAULT false,
    auto_draw         boolean NOT NULL DEFAULT false,
    max_per_member    integer NOT NULL DEFAULT 0 CHECK (max_per_member >= 0),
    required_role_id  bigint,
    excluded_role_id  bigint,
    min_account_days  integer NOT NULL DEFAULT 0 CHECK (min_account_days >= 0),
    min_member_days   integer NOT NULL DEFAULT 0 CHECK (min_member_days >= 0),
    ends_at           timestamptz NOT NULL,
    state             text NOT NULL DEFAULT 'open'
                      CHECK (state IN ('open', 'closed', 'drawn', 'cancelled')),
    closed_at         timestamptz,
    closed_by         bigint,          -- NULL: the scheduler (or the last claim)
    close_reason      text,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX raffles_guild_state ON raffles (guild_id, state, id);

-- One row per taken spot: the primary key makes double booking impossible.
CREATE TABLE claims (
    raffle_id  bigint NOT NULL REFERENCES raffles (id),
    spot       integer NOT NULL CHECK (spot >= 1),
    user_id    bigint NOT NULL,
    paid       boolean NOT NULL DEFAULT false,
    paid_by    bigint,
    paid_at    timestamptz,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (raffle_id, spot)
);
CREATE INDEX claims_member ON claims (raffle_id, user_id);

-- Every draw and reroll, with what is needed to re-check it (/raffle verify).
CREATE TABLE draws (
    id             bigserial PRIMARY KEY,
    raffle_id      bigint NOT NULL REFERENCES raffles (id),
    kind           text NOT NULL CHECK (kind IN ('draw', 'reroll')),
    drawn_by       bigint,                  -- NULL: drawn automatically at close
    drawn_at       timestamptz NOT NULL DEFAULT now(),
    algorithm      text NOT NULL,
    entries        jsonb NOT NULL,          -- [[spot, "user id"], ...] by spot
    excluded       jsonb NOT NULL,          -- ["user id", ...] never drawn (past winners)
    entries_sha256 text NOT NULL,
    random_hex     text NOT NULL,           -- the getrandom(2) bytes, in order of use
    requested      integer NOT NULL,
    result         jsonb NOT NULL           -- [[spot, "user id"], ...] in order drawn
);

-- A member wins a raffle at most once, across every draw and reroll of it.
CREATE TABLE winners (
    raffle_id bigint NOT NULL REFERENCES raffles (id),
    user_id   bigint NOT NULL,
    spot      integer NOT NULL,
    place     integer NOT NULL,
    draw_id   bigint NOT NULL REFERENCES draws (id),
    active    boolean NOT NULL DEFAULT true,   -- false once rerolled away
    PRIMARY KEY (raffle_id, user_id)
);

CREATE TABLE rerolls (
    id          bigserial PRIMARY KEY,
    raffle_id   bigint NOT NULL REFERENCES raffles (id),
    old_user_id bigint NOT NULL,
    new_user_id bigint,                     -- NULL: no eligible entry was left
    reason      text NOT NULL CHECK (length(btrim(reason)) > 0),
    by_user_id  bigint NOT NULL,
    draw_id     bigint REFERENCES draws (id),
    at          timestamptz NOT NULL DEFAULT now()
);

-- Shipping details of winners: shown to managers only.
CREATE TABLE shipping (
    raffle_id    bigint NOT NULL REFERENCES raffles (id),
    user_id      bigint NOT NULL,
    full_name    text NOT NULL,
    address      text NOT NULL,
    city_postal  text NOT NULL,
    country      text NOT NULL,
    contact      text NOT NULL DEFAULT '',
    submitted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (raffle_id, user_id)
);

-- What happened to a raffle, by whom (NULL: the scheduler).
CREATE TABLE events (
    id        bigserial PRIMARY KEY,
    raffle_id bigint NOT NULL REFERENCES raffles (id),
    kind      text NOT NULL,
    actor_id  bigint,
    detail    text NOT NULL DEFAULT '',
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_raffle ON events (raffle_id, id);

-- A raffle message that can no longer be edited (deleted, channel gone, access lost).
CREATE TABLE message_lost (
    raffle_id bigint PRIMARY KEY REFERENCES raffles (id),
    code      integer NOT NULL,
    error     text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
