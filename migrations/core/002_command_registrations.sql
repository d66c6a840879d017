-- What the host last registered with Discord, per scope, so that an unchanged
-- command set is not registered again (Discord limits command updates).
-- scope: "global:<application_id>" or "guild:<application_id>:<guild_id>".
CREATE TABLE bothost.command_registrations (
    scope          text PRIMARY KEY,
    hash           text NOT NULL,
    commands       int NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT now()
);
