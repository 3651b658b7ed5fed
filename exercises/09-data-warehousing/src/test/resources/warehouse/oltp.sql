-- The subscription app's OLTP schema and a deterministic year of data (2025, UTC).
SET TIME ZONE 'UTC';

CREATE TABLE plans (
    plan_id       integer PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    monthly_price numeric(10,2) NOT NULL
);

CREATE TABLE customers (
    customer_id bigint PRIMARY KEY,
    name        text NOT NULL,
    country     text NOT NULL,
    plan_id     integer NOT NULL REFERENCES plans,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    order_id    bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    plan_id     integer NOT NULL REFERENCES plans,
    amount      numeric(12,2) NOT NULL,
    ordered_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The app deletes orders (refunds, test orders); a trigger it already had keeps a tombstone.
CREATE TABLE order_deletions (
    order_id   bigint NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION remember_order_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_deletions (order_id) VALUES (OLD.order_id);
    RETURN OLD;
END
$$;

CREATE TRIGGER orders_remember_deletion AFTER DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION remember_order_deletion();

INSERT INTO plans VALUES (1, 'basic', 9.99), (2, 'pro', 29.00), (3, 'team', 99.50), (4, 'enterprise', 499.00);

INSERT INTO customers (customer_id, name, country, plan_id, updated_at)
SELECT c,
       'customer ' || c,
       (ARRAY['DE', 'FR', 'US', 'BR', 'JP'])[1 + c % 5],
       1 + c % 4,
       timestamptz '2024-12-01 00:00:00+00'
FROM generate_series(1, 300) c;

-- 6,000 orders over 2025, some of them in the last minutes of a month (UTC), with odd cents.
INSERT INTO orders (customer_id, plan_id, amount, ordered_at, updated_at)
SELECT 1 + o % 300,
       1 + (o % 300) % 4,
       round((ARRAY[9.99, 29.00, 99.50, 499.00])[1 + (o % 300) % 4] * (1 + o % 3) - (o % 7) * 0.13, 2),
       CASE WHEN o % 50 = 0
            THEN date_trunc('month', timestamptz '2025-01-01 00:00:00+00' + (o % 12) * interval '1 month')
                 + interval '1 month' - interval '7 minutes'
            ELSE timestamptz '2025-01-01 00:00:00+00' + (o * 5231 % 525600) * interval '1 minute'
       END,
       timestamptz '2025-12-31 12:00:00+00'
FROM generate_series(1, 6000) o;

ANALYZE;
