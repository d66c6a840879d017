-- When the raffle message's next edit is due: set by the first change of a burst,
-- cleared by the edit, so a steady stream of claims still sees the message follow.
CREATE TABLE render_due (
    raffle_id bigint PRIMARY KEY REFERENCES raffles (id),
    due_at    timestamptz NOT NULL
);
