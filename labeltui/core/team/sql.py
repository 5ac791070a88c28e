"""Every SQL statement of team mode, in one place (FORMAT section 10; no ORM).

Tables (all prefixed `labeltui_`, so a project can live in a database shared with others):

- `meta`: `version` of these tables. A newer labeltui upgrades them (`UPGRADES`); an older one
  refuses to touch tables newer than it knows.
- `projects`: one row per project: its schema (YAML text and a hash of its meaning) and `K`.
- `items`: the dataset's lines in dataset order (`no`), each with its id, the raw line, and how
  many annotators have it `done` (`done_count`; `open` while below K, so a claim skips finished
  items through a partial index instead of scanning them).
- `work`: one row per (item, annotator): a lease (`lease`, with `expires`) or the annotator's
  current status (`done`/`skipped`). A claim counts done rows plus live leases.
- `gold`: a project's gold items (`team init --gold`): the fields an annotator sees and the
  expected labels, mixed into every annotator's queue about once every `projects.gold_every`.
- `lines`: every annotation line the clients sent, stored once per (annotator, item, `_ts`);
  the current line of an annotator for an item is the newest by (`ts`, `seq`). `role` is the
  database role that sent it: with one role per annotator, `_annotator` can be checked.

Claims and sends are PL/pgSQL functions (created by `team init`), so each is one round trip.
Why the claim checks twice: in READ COMMITTED, `FOR UPDATE SKIP LOCKED` locks a candidate row,
but counts computed from other tables in that statement come from a snapshot taken before the
lock; a second statement after the lock sees every claim committed before it, so the count is
checked there. Writers of `work` lock the item row first (claim, send, release), so the check
cannot race them.
"""

from __future__ import annotations

VERSION = 2
"""The version of the tables this labeltui writes (`labeltui_meta.version`)."""

CREATE = [
    """CREATE TABLE IF NOT EXISTS labeltui_meta (
        key text PRIMARY KEY,
        value text NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS labeltui_projects (
        id serial PRIMARY KEY,
        name text UNIQUE NOT NULL,
        schema_yaml text NOT NULL,
        schema_hash text NOT NULL,
        text_field text NOT NULL,
        audio_field text NOT NULL,
        overlap integer NOT NULL CHECK (overlap >= 1),
        created timestamptz NOT NULL DEFAULT now())""",
    """CREATE TABLE IF NOT EXISTS labeltui_items (
        project integer NOT NULL REFERENCES labeltui_projects(id) ON DELETE CASCADE,
        no bigint NOT NULL,
        item_id text NOT NULL,
        line text NOT NULL,
        done_count integer NOT NULL DEFAULT 0,
        open boolean NOT NULL DEFAULT true,
        PRIMARY KEY (project, no),
        UNIQUE (project, item_id))""",
    """CREATE INDEX IF NOT EXISTS labeltui_items_open
        ON labeltui_items (project, no) WHERE open""",
    """CREATE TABLE IF NOT EXISTS labeltui_work (
        project integer NOT NULL,
        no bigint NOT NULL,
        annotator text NOT NULL,
        status text NOT NULL CHECK (status IN ('lease', 'done', 'skipped')),
        expires timestamptz,
        PRIMARY KEY (project, no, annotator),
        FOREIGN KEY (project, no) REFERENCES labeltui_items(project, no) ON DELETE CASCADE)""",
    """CREATE INDEX IF NOT EXISTS labeltui_work_annotator
        ON labeltui_work (project, annotator, status)""",
    """CREATE TABLE IF NOT EXISTS labeltui_orders (
        project integer NOT NULL,
        key text NOT NULL,
        rank bigint NOT NULL,
        no bigint NOT NULL,
        open boolean NOT NULL,
        PRIMARY KEY (project, key, rank),
        FOREIGN KEY (project, no) REFERENCES labeltui_items(project, no) ON DELETE CASCADE)""",
    """CREATE INDEX IF NOT EXISTS labeltui_orders_open
        ON labeltui_orders (project, key, rank) WHERE open""",
    """CREATE INDEX IF NOT EXISTS labeltui_orders_item ON labeltui_orders (project, no)""",
    """CREATE TABLE IF NOT EXISTS labeltui_lines (
        project integer NOT NULL REFERENCES labeltui_projects(id) ON DELETE CASCADE,
        annotator text NOT NULL,
        item_id text NOT NULL,
        ts text NOT NULL,
        seq bigint NOT NULL,
        status text NOT NULL,
        line text NOT NULL,
        received timestamptz NOT NULL DEFAULT now(),
        role text NOT NULL DEFAULT current_user,
        PRIMARY KEY (project, annotator, item_id, ts))""",
]

GOLD_TABLES = [
    """ALTER TABLE labeltui_projects ADD COLUMN IF NOT EXISTS gold_every integer""",
    """CREATE TABLE IF NOT EXISTS labeltui_gold (
        project integer NOT NULL REFERENCES labeltui_projects(id) ON DELETE CASCADE,
        k integer NOT NULL,
        item_id text NOT NULL,
        data text NOT NULL,
        labels text NOT NULL,
        PRIMARY KEY (project, item_id))""",
]
"""Version 2: gold items (`team init --gold GOLD --gold-every N`)."""
CREATE += GOLD_TABLES

UPGRADES: dict[int, list[str]] = {1: GOLD_TABLES}
"""Statements that take the tables from version N to N + 1."""

LOCK_SETUP = "SELECT pg_advisory_xact_lock(727166211)"
"""Serializes `team init` runs (creating tables and loading items) across clients."""

META_EXISTS = "SELECT to_regclass('labeltui_meta') IS NOT NULL"
GET_VERSION = "SELECT value FROM labeltui_meta WHERE key = 'version'"
SET_VERSION = """INSERT INTO labeltui_meta (key, value) VALUES ('version', %s)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"""

GET_PROJECT = """SELECT id, name, schema_yaml, schema_hash, text_field, audio_field, overlap,
    gold_every FROM labeltui_projects WHERE name = %s"""
ADD_PROJECT = """INSERT INTO labeltui_projects
    (name, schema_yaml, schema_hash, text_field, audio_field, overlap)
    VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"""
SET_OVERLAP = "UPDATE labeltui_projects SET overlap = %s WHERE id = %s"
REOPEN_ITEMS = "UPDATE labeltui_items SET open = done_count < %s WHERE project = %s"
REOPEN_ORDERS = """UPDATE labeltui_orders o SET open = i.open FROM labeltui_items i
    WHERE o.project = %s AND i.project = o.project AND i.no = o.no AND o.open <> i.open"""

MAX_NO = "SELECT coalesce(max(no), -1) FROM labeltui_items WHERE project = %s"
ITEM_IDS = "SELECT item_id FROM labeltui_items WHERE project = %s"
COPY_ITEMS = "COPY labeltui_items (project, no, item_id, line) FROM STDIN"
COUNT_ITEMS = "SELECT count(*) FROM labeltui_items WHERE project = %s"
FIRST_ITEM = "SELECT line FROM labeltui_items WHERE project = %s ORDER BY no LIMIT 1"

# -- claiming and saving: server functions, one round trip each -----------------------------

CREATE += [
    """CREATE OR REPLACE FUNCTION labeltui_claim(
        p integer, a text, k integer, secs double precision, held bigint[], after bigint,
        sort_key text)
    RETURNS TABLE (o_no bigint, o_item_id text, o_line text, o_expires timestamptz,
                   o_pos bigint)
    LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
    DECLARE
        cand bigint;
        pos bigint;
        lo bigint := after;
        hi bigint := 9223372036854775807;
        wrapped boolean := false;
        ok boolean;
        exp timestamptz;
        low bigint;
    BEGIN
        -- A live lease of this annotator from an earlier session (a crash, a second window).
        SELECT w.no INTO cand FROM labeltui_work w
            WHERE w.project = p AND w.annotator = a AND w.status = 'lease'
              AND w.expires > now() AND NOT (w.no = ANY(held))
            ORDER BY w.no LIMIT 1;
        IF FOUND THEN
            PERFORM 1 FROM labeltui_items i WHERE i.project = p AND i.no = cand FOR UPDATE;
            UPDATE labeltui_work w SET expires = now() + make_interval(secs => secs)
                WHERE w.project = p AND w.no = cand AND w.annotator = a AND w.status = 'lease'
                RETURNING w.expires INTO exp;
            IF FOUND THEN
                RETURN QUERY SELECT i.no, i.item_id, i.line, exp, -1::bigint
                    FROM labeltui_items i WHERE i.project = p AND i.no = cand;
                RETURN;
            END IF;
        END IF;
        -- Every position before the first open item is finished: start there at the earliest.
        -- Positions are dataset order (`no`), or ranks in the sort order `sort_key`.
        IF sort_key IS NULL THEN
            SELECT min(i.no) INTO low FROM labeltui_items i WHERE i.project = p AND i.open;
        ELSE
            SELECT min(o.rank) INTO low FROM labeltui_orders o
                WHERE o.project = p AND o.key = sort_key AND o.open;
        END IF;
        low := coalesce(low, 0);
        IF lo < low - 1 THEN
            lo := low - 1;
        END IF;
        LOOP
            IF sort_key IS NULL THEN
                SELECT i.no, i.no INTO cand, pos FROM labeltui_items i
                    WHERE i.project = p AND i.open AND i.no > lo AND i.no <= hi
                      AND NOT EXISTS (SELECT 1 FROM labeltui_work m
                          WHERE m.project = p AND m.no = i.no AND m.annotator = a
                            AND (m.status <> 'lease' OR m.expires > now()))
                      AND i.done_count + (SELECT count(*) FROM labeltui_work l
                          WHERE l.project = p AND l.no = i.no AND l.status = 'lease'
                            AND l.expires > now()) < k
                    ORDER BY i.no LIMIT 1
                    FOR UPDATE OF i SKIP LOCKED;
            ELSE
                SELECT i.no, o.rank INTO cand, pos FROM labeltui_orders o
                    JOIN labeltui_items i ON i.project = p AND i.no = o.no
                    WHERE o.project = p AND o.key = sort_key AND o.open
                      AND o.rank > lo AND o.rank <= hi
                      AND NOT EXISTS (SELECT 1 FROM labeltui_work m
                          WHERE m.project = p AND m.no = i.no AND m.annotator = a
                            AND (m.status <> 'lease' OR m.expires > now()))
                      AND i.done_count + (SELECT count(*) FROM labeltui_work l
                          WHERE l.project = p AND l.no = i.no AND l.status = 'lease'
                            AND l.expires > now()) < k
                    ORDER BY o.rank LIMIT 1
                    FOR UPDATE OF i SKIP LOCKED;
            END IF;
            IF NOT FOUND THEN
                -- From the hint to the end first; then from the start up to the hint (items
                -- given back behind this annotator); then nothing is left.
                IF wrapped OR after < low THEN
                    RETURN;
                END IF;
                wrapped := true;
                hi := after;
                lo := low - 1;
                CONTINUE;
            END IF;
            -- Locked. This statement's snapshot is newer than the lock: it sees every claim
            -- committed before, which the search's snapshot may not have.
            SELECT i.done_count + (SELECT count(*) FROM labeltui_work l
                      WHERE l.project = p AND l.no = i.no AND l.status = 'lease'
                        AND l.expires > now() AND l.annotator <> a) < k
                  AND NOT EXISTS (SELECT 1 FROM labeltui_work m
                      WHERE m.project = p AND m.no = i.no AND m.annotator = a
                        AND m.status <> 'lease')
                INTO ok FROM labeltui_items i WHERE i.project = p AND i.no = cand;
            IF ok THEN
                INSERT INTO labeltui_work AS w (project, no, annotator, status, expires)
                    VALUES (p, cand, a, 'lease', now() + make_interval(secs => secs))
                    ON CONFLICT (project, no, annotator) DO UPDATE SET expires = EXCLUDED.expires
                      WHERE w.status = 'lease'
                    RETURNING w.expires INTO exp;
                IF FOUND THEN
                    RETURN QUERY SELECT i.no, i.item_id, i.line, exp, pos
                        FROM labeltui_items i WHERE i.project = p AND i.no = cand;
                    RETURN;
                END IF;
            END IF;
            lo := pos;  -- keep the lock until commit, look further on
        END LOOP;
    END $$""",
    """CREATE OR REPLACE FUNCTION labeltui_settle(p integer, a text, item text, k integer)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        item_no bigint;
        cur text;
    BEGIN
        -- Make work and the item's done count follow the annotator's current line.
        SELECT i.no INTO item_no FROM labeltui_items i
            WHERE i.project = p AND i.item_id = item FOR UPDATE;
        IF NOT FOUND THEN
            RETURN;  -- a line for an item the project does not have: kept, never counted
        END IF;
        SELECT l.status INTO cur FROM labeltui_lines l
            WHERE l.project = p AND l.annotator = a AND l.item_id = item
            ORDER BY l.ts DESC, l.seq DESC LIMIT 1;
        IF FOUND THEN
            INSERT INTO labeltui_work (project, no, annotator, status, expires)
                VALUES (p, item_no, a, cur, NULL)
                ON CONFLICT (project, no, annotator)
                DO UPDATE SET status = EXCLUDED.status, expires = NULL;
        ELSE
            DELETE FROM labeltui_work w
                WHERE w.project = p AND w.no = item_no AND w.annotator = a
                  AND w.status <> 'lease';
        END IF;
        UPDATE labeltui_items i SET done_count = c.n, open = c.n < k
            FROM (SELECT count(*) AS n FROM labeltui_work w
                  WHERE w.project = p AND w.no = item_no AND w.status = 'done') c
            WHERE i.project = p AND i.no = item_no;
        UPDATE labeltui_orders o SET open = i.open FROM labeltui_items i
            WHERE o.project = p AND o.no = item_no AND i.project = p AND i.no = item_no
              AND o.open <> i.open;
    END $$""",
    """CREATE OR REPLACE FUNCTION labeltui_send(p integer, a text, item text, t text,
        s bigint, st text, body text, k integer)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        -- Lock the item first (as claims do), then store the line once, then settle.
        PERFORM 1 FROM labeltui_items i WHERE i.project = p AND i.item_id = item FOR UPDATE;
        INSERT INTO labeltui_lines (project, annotator, item_id, ts, seq, status, line)
            VALUES (p, a, item, t, s, st, body)
            ON CONFLICT (project, annotator, item_id, ts) DO NOTHING;
        PERFORM labeltui_settle(p, a, item, k);
    END $$""",
    """CREATE OR REPLACE FUNCTION labeltui_retract(p integer, a text, item text, t text,
        k integer)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM labeltui_items i WHERE i.project = p AND i.item_id = item FOR UPDATE;
        DELETE FROM labeltui_lines l
            WHERE l.project = p AND l.annotator = a AND l.item_id = item AND l.ts = t;
        PERFORM labeltui_settle(p, a, item, k);
    END $$""",
]

CLAIM = """SELECT * FROM labeltui_claim(%(p)s::int, %(a)s::text, %(k)s::int, %(secs)s::float8,
    %(held)s::bigint[], %(after)s::bigint, %(sort)s::text)"""
"""The next item for an annotator, leased (see `labeltui_claim` above), or no row."""

SEND_LINE = """SELECT labeltui_send(%s::int, %s::text, %s::text, %s::text, %s::bigint, %s::text,
    %s::text, %s::int)"""
"""Store one line once (annotator, item, `_ts`) and settle the item's counts."""

RETRACT_LINE = """SELECT labeltui_retract(%s::int, %s::text, %s::text, %s::text, %s::int)"""
"""Undo a sent line."""

RENEW_LEASE = """UPDATE labeltui_work SET expires = now() + make_interval(secs => %(secs)s)
    WHERE project = %(p)s AND no = %(no)s AND annotator = %(a)s AND status = 'lease'
    RETURNING expires"""

RELET_LEASE = """INSERT INTO labeltui_work AS w (project, no, annotator, status, expires)
    VALUES (%(p)s, %(no)s, %(a)s, 'lease', now() + make_interval(secs => %(secs)s))
    ON CONFLICT (project, no, annotator) DO UPDATE SET expires = EXCLUDED.expires
      WHERE w.status = 'lease'
    RETURNING expires"""
"""A lease again on an item whose save was undone (it is on screen again); no-op when the
annotator has a line for it."""

LOCK_ITEM = "SELECT no FROM labeltui_items WHERE project = %s AND no = %s FOR UPDATE"

RELEASE_LEASE = """DELETE FROM labeltui_work
    WHERE project = %s AND no = %s AND annotator = %s AND status = 'lease'"""

# -- lines ---------------------------------------------------------------------------------

FRONTIER = """SELECT coalesce(min(i.no), 0) - 1 FROM labeltui_items i
    WHERE i.project = %(p)s AND NOT EXISTS (SELECT 1 FROM labeltui_work m
        WHERE m.project = %(p)s AND m.no = i.no AND m.annotator = %(a)s AND m.status <> 'lease')"""
"""Just before the first item this annotator has not done: where their claims start."""

FRONTIER_SORTED = """SELECT coalesce(min(o.rank), 0) - 1 FROM labeltui_orders o
    WHERE o.project = %(p)s AND o.key = %(sort)s AND NOT EXISTS (SELECT 1 FROM labeltui_work m
        WHERE m.project = %(p)s AND m.no = o.no AND m.annotator = %(a)s AND m.status <> 'lease')"""

ORDER_EXISTS = "SELECT 1 FROM labeltui_orders WHERE project = %s AND key = %s LIMIT 1"

BUILD_ORDER = """INSERT INTO labeltui_orders (project, key, rank, no, open)
    SELECT %(p)s, %(sort)s,
        row_number() OVER (ORDER BY v IS NULL, CASE WHEN %(desc)s THEN -v ELSE v END, no) - 1,
        no, open
    FROM (SELECT no, open,
            CASE WHEN jsonb_typeof(j) = 'number' THEN
                CASE WHEN abs((j #>> '{}')::numeric) < 1e300 THEN (j #>> '{}')::float8 END
            END AS v
          FROM (SELECT no, open, line::jsonb #> %(path)s AS j
                FROM labeltui_items WHERE project = %(p)s) x) y"""
"""A sort order (`--sort [-]FIELD`, a dotted path to a number): numbers first, ascending or
descending, then items without one; ties in dataset order (as `annotate --sort`)."""

ORDER_NUMERIC = """SELECT count(*) FROM labeltui_items
    WHERE project = %(p)s AND jsonb_typeof(line::jsonb #> %(path)s) = 'number'"""

DROP_ORDERS = "DELETE FROM labeltui_orders WHERE project = %s"
"""New items came in: every sort order is built again on its next use."""

DROP_GOLD = "DELETE FROM labeltui_gold WHERE project = %s"
ADD_GOLD = """INSERT INTO labeltui_gold (project, k, item_id, data, labels)
    VALUES (%s, %s, %s, %s, %s)"""
COUNT_GOLD = "SELECT count(*) FROM labeltui_gold WHERE project = %s"
SET_GOLD_EVERY = "UPDATE labeltui_projects SET gold_every = %s WHERE id = %s"
GET_GOLD = "SELECT item_id, data, labels FROM labeltui_gold WHERE project = %s ORDER BY k"

SENT_KEYS = "SELECT item_id, ts FROM labeltui_lines WHERE project = %s AND annotator = %s"

# -- status and pull -----------------------------------------------------------------------

STATUS_ITEMS = """SELECT count(*), count(*) FILTER (WHERE done_count < %(k)s)
    FROM labeltui_items WHERE project = %(p)s"""

STATUS_ANNOTATORS = """SELECT annotator,
      count(*) FILTER (WHERE status = 'done'),
      count(*) FILTER (WHERE status = 'skipped'),
      count(*) FILTER (WHERE status = 'lease' AND expires > now())
    FROM labeltui_work WHERE project = %s GROUP BY annotator ORDER BY annotator"""

STATUS_RATE = """SELECT annotator, count(*) FROM (
      SELECT DISTINCT ON (annotator, item_id) annotator, status, ts FROM labeltui_lines
      WHERE project = %s ORDER BY annotator, item_id, ts DESC, seq DESC) cur
    WHERE status = 'done' AND ts >= %s GROUP BY annotator"""
"""Items done in the last hour (by their `_ts`), per annotator."""

PULL_LINES = """SELECT cur.line FROM (
      SELECT DISTINCT ON (annotator, item_id) annotator, item_id, line FROM labeltui_lines
      WHERE project = %s ORDER BY annotator, item_id, ts DESC, seq DESC) cur
    LEFT JOIN labeltui_items i ON i.project = %s AND i.item_id = cur.item_id
    ORDER BY cur.annotator, i.no NULLS LAST, cur.item_id"""
