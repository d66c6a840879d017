-- The hello example's table. The host creates the schema named after the plugin.
CREATE TABLE hello.greetings (
    guild_id bigint PRIMARY KEY,
    count bigint NOT NULL DEFAULT 0
);
