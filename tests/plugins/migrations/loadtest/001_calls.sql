CREATE TABLE loadtest.calls (
    chain int NOT NULL,
    seq int NOT NULL,
    variant text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, seq)
);

CREATE TABLE loadtest.once (
    n int PRIMARY KEY,
    label text NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
