-- Six months of events, one partition per UTC month (no default partition: PostgreSQL cannot
-- detach a partition concurrently while one exists), and an empty archive of the same shape.
CREATE TABLE events (
    id bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    region text NOT NULL,
    customer_id bigint NOT NULL,
    payload text
) PARTITION BY RANGE (occurred_at);

CREATE TABLE events_2026_01 PARTITION OF events FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');
CREATE TABLE events_2026_02 PARTITION OF events FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00');
CREATE TABLE events_2026_03 PARTITION OF events FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00');
CREATE TABLE events_2026_04 PARTITION OF events FOR VALUES FROM ('2026-04-01 00:00:00+00') TO ('2026-05-01 00:00:00+00');
CREATE TABLE events_2026_05 PARTITION OF events FOR VALUES FROM ('2026-05-01 00:00:00+00') TO ('2026-06-01 00:00:00+00');
CREATE TABLE events_2026_06 PARTITION OF events FOR VALUES FROM ('2026-06-01 00:00:00+00') TO ('2026-07-01 00:00:00+00');

-- One event every five hours from New Year to the end of June.
INSERT INTO events (id, occurred_at, region, customer_id, payload)
SELECT g, timestamptz '2026-01-01 00:00:00+00' + g * interval '5 hours',
       (ARRAY['eu', 'us', 'apac'])[1 + g % 3], g % 97, 'event ' || g
FROM generate_series(0, 868) AS g;

CREATE TABLE events_archive (LIKE events);
