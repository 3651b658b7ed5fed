-- The ticketing schema every test starts from.
CREATE TABLE concerts (
    id          int PRIMARY KEY,
    name        text NOT NULL,
    seats_left  int NOT NULL
);

-- One row per seat: a sale sets buyer and sale_id once; a free seat has neither.
CREATE TABLE seats (
    seat     text PRIMARY KEY,
    buyer    text,
    sale_id  uuid UNIQUE
);

CREATE TABLE pacelc_samples (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mode  text NOT NULL
);

INSERT INTO concerts VALUES (1, 'Opening night', 500), (2, 'Matinee', 200);
INSERT INTO seats (seat) SELECT 'A' || n FROM generate_series(1, 20) AS n;
