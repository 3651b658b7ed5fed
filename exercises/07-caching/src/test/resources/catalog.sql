-- The product table behind the cache. Tests fill it with Catalog.create(...).
CREATE TABLE product (
    id          bigint  PRIMARY KEY,
    name        text    NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    version     bigint  NOT NULL DEFAULT 1
);
