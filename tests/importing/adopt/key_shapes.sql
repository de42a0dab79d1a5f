-- Tables whose primary key is not one column, as registries, auth libraries and lineage stores
-- build them: join tables keyed by both sides, per-day counters keyed by (thing, day), a token
-- table with only a unique index, and an event log with no key at all.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    login varchar(64) NOT NULL UNIQUE
);

CREATE TABLE crates (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crate_owners (
    crate_id integer NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    owner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (crate_id, owner_id)
);
CREATE INDEX crate_owners_owner_id_idx ON crate_owners (owner_id);

CREATE TABLE crate_downloads (
    crate_id integer NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    day date NOT NULL DEFAULT CURRENT_DATE,
    downloads integer NOT NULL DEFAULT 0 CHECK (downloads >= 0),
    CONSTRAINT crate_downloads_pk PRIMARY KEY (day, crate_id)
);

CREATE TABLE badges (
    crate_id integer NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    badge_type varchar(40) NOT NULL,
    attributes jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (crate_id, badge_type)
);

CREATE TABLE badge_votes (
    id serial PRIMARY KEY,
    crate_id integer NOT NULL,
    badge_type varchar(40) NOT NULL,
    voter_id bigint REFERENCES users (id) ON DELETE SET NULL,
    FOREIGN KEY (crate_id, badge_type) REFERENCES badges (crate_id, badge_type) ON DELETE CASCADE
);
CREATE INDEX badge_votes_crate_id_badge_type_idx ON badge_votes (crate_id, badge_type);
CREATE INDEX badge_votes_voter_id_idx ON badge_votes (voter_id);

CREATE TABLE follows (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    crate_id integer NOT NULL REFERENCES crates (id) ON DELETE CASCADE
);
CREATE INDEX follows_user_id_idx ON follows (user_id);
CREATE INDEX follows_crate_id_idx ON follows (crate_id);

CREATE TABLE verification_tokens (
    identifier text NOT NULL,
    token text NOT NULL,
    expires timestamptz NOT NULL
);
CREATE UNIQUE INDEX verification_tokens_token_key ON verification_tokens (token);
CREATE UNIQUE INDEX verification_tokens_identifier_token_key ON verification_tokens (identifier, token);

CREATE TABLE audit_events (
    crate_id integer REFERENCES crates (id) ON DELETE SET NULL,
    happened_at timestamptz NOT NULL DEFAULT now(),
    action varchar(20) NOT NULL,
    detail jsonb
);
CREATE INDEX audit_events_crate_id_idx ON audit_events (crate_id);
