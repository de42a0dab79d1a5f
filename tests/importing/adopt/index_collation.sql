-- An index whose key sorts by another collation than its column's, as openfga's reverse lookup
-- index orders object ids bytewise (COLLATE "C") for its range scans.
CREATE TABLE tuple (
    store text NOT NULL,
    object_type text NOT NULL,
    object_id text NOT NULL,
    relation text NOT NULL,
    _user text NOT NULL,
    PRIMARY KEY (store, object_type, object_id, relation, _user)
);
CREATE INDEX idx_user_lookup ON tuple (store, _user, relation, object_type, object_id COLLATE "C");
CREATE INDEX idx_object_prefix ON tuple (lower(object_id) COLLATE "C" text_pattern_ops DESC);
