-- Ordered jobs, for the outbox (host/sched/sched_outbox.c): a pending job with a
-- chain is claimed only when no earlier job (lower id) of the same plugin and
-- chain is still pending, so Discord calls queued after a commit go out in the
-- order they were queued (the outbox chains by request path: one channel's
-- messages keep their order). A dead job no longer holds its chain back.
ALTER TABLE bothost.jobs ADD COLUMN chain text;

CREATE INDEX jobs_chain ON bothost.jobs (plugin, chain, id)
    WHERE chain IS NOT NULL AND state = 'pending';
