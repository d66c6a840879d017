CREATE TABLE interact.calls (
    id bigserial PRIMARY KEY,
    what text NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE interact.joins (
    user_id bigint PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
