-- Orleans ADO.NET providers read every statement they run from this table, by key, once at startup.
-- Orleans binds parameters by name and reads result columns by name, so each query text in the later
-- scripts keeps the parameter names and column names that the provider expects.
-- Every script is safe to run again: tables use IF NOT EXISTS and query rows are upserts.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
