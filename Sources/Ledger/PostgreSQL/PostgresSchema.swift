/// The PostgreSQL ledger's tables, in a schema of its own so they can share a database with other tools.
///
/// Migrations are frozen SQL: once released, version 1 never changes; a new schema is a new entry. Applied versions
/// are rows of `ledger_migration`, whose presence is also what marks a schema as a ClipMeter ledger.
enum PostgresSchema {
    /// Newest version this build knows.
    static var version: Int { migrations.count }

    /// The marker table; a schema with tables but without it belongs to someone else.
    static let markerTable = "ledger_migration"

    /// Migration N is `migrations[N - 1]`; `%s` is replaced by the quoted schema name.
    static let migrations: [String] = [
        """
        CREATE TABLE %s.ledger_migration (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE %s.measurement (
            path text NOT NULL,
            mode text NOT NULL,
            size bigint NOT NULL,
            modified_at_nanos bigint NOT NULL,
            changed_at_nanos bigint NOT NULL,
            inode bigint NOT NULL,
            facts bytea NOT NULL,
            PRIMARY KEY (path, mode)
        );
        CREATE TABLE %s.job (
            id text COLLATE "C" PRIMARY KEY,
            feature text NOT NULL,
            status text NOT NULL,
            cost numeric NOT NULL,
            currency text NOT NULL,
            rate_card text NOT NULL,
            finished_at_millis bigint,
            cycle_start_millis bigint,
            payload bytea NOT NULL,
            recorded_at_millis bigint NOT NULL
        );
        CREATE INDEX job_by_finish ON %s.job (finished_at_millis, id);
        CREATE INDEX job_by_cycle ON %s.job (cycle_start_millis);
        CREATE TABLE %s.scan_replay (
            key text PRIMARY KEY,
            tree_state bytea NOT NULL,
            exit_status integer NOT NULL,
            stderr text NOT NULL,
            output_bytes bigint NOT NULL,
            recorded_at_millis bigint NOT NULL
        );
        CREATE TABLE %s.scan_replay_chunk (
            key text NOT NULL,
            seq integer NOT NULL,
            bytes bytea NOT NULL,
            PRIMARY KEY (key, seq)
        );
        """,
        // 2: which ClipMeter (and which FFmpeg libraries) priced each job; jobs recorded before read back without it.
        """
        ALTER TABLE %s.job ADD COLUMN produced_by text;
        """,
        // 3: jobs keyed by identity; rows written before are `keyed = false` until a scan records them by key.
        """
        ALTER TABLE %s.job ADD COLUMN keyed boolean NOT NULL DEFAULT false;
        """,
    ]

    /// The version that added `job.produced_by`.
    static let producedByVersion = 2

    /// The tables a writer must be able to change.
    static let writtenTables = ["job", "measurement", "scan_replay", "scan_replay_chunk"]
}
