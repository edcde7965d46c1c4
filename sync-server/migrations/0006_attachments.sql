-- Photos and signatures, stored by content: the key is the SHA-256 of the bytes, so the
-- same photo is kept once however often it is sent. In the database, so every server and
-- every backup has them.
CREATE TABLE attachments (
    hash         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BYTEA NOT NULL,
    -- The device that sent it first: it may read it back before any record refers to it.
    device       TEXT NOT NULL,
    stored_at    BIGINT NOT NULL
);

-- Which records refer to which content (photos and signatures in their journals), and
-- the area of each: whoever may read one of those records may read the content.
CREATE TABLE attachment_refs (
    hash    TEXT NOT NULL,
    doc_id  TEXT NOT NULL,
    area_id TEXT NOT NULL,
    PRIMARY KEY (hash, doc_id)
);
