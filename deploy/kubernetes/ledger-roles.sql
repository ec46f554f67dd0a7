-- Two roles for the shared ledger, run once by the database's owner:
--   psql "$ADMIN_URL" -v scanner_password=… -v biller_password=… -f deploy/kubernetes/ledger-roles.sql
-- clipmeter_scanner owns schema clipmeter: the first scan creates and migrates the tables in it.
-- clipmeter_biller may only read it: `clipmeter bill` (the hourly CronJob) needs nothing else, and a scan run
-- with it is refused before anything is measured.
\set ON_ERROR_STOP on
CREATE ROLE clipmeter_scanner LOGIN PASSWORD :'scanner_password';
CREATE ROLE clipmeter_biller LOGIN PASSWORD :'biller_password';
CREATE SCHEMA IF NOT EXISTS clipmeter AUTHORIZATION clipmeter_scanner;
-- The scan opens the ledger with CREATE SCHEMA IF NOT EXISTS, which PostgreSQL checks against the database
-- even when the schema exists.
GRANT CREATE ON DATABASE :"DBNAME" TO clipmeter_scanner;
GRANT USAGE ON SCHEMA clipmeter TO clipmeter_biller;
-- Tables the scanner creates later are readable by the biller too.
ALTER DEFAULT PRIVILEGES FOR ROLE clipmeter_scanner IN SCHEMA clipmeter GRANT SELECT ON TABLES TO clipmeter_biller;
GRANT SELECT ON ALL TABLES IN SCHEMA clipmeter TO clipmeter_biller;
ALTER ROLE clipmeter_biller SET default_transaction_read_only = on;
