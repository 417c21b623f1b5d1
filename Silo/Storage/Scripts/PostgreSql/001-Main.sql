-- Orleans ADO.NET providers read every statement they run from this table, by key, once at startup.
-- Orleans binds parameters by name and reads result columns by name, so each query text in the later
-- scripts keeps the parameter names and column names that the provider expects.
-- Every script is safe to run again: tables use IF NOT EXISTS, functions CREATE OR REPLACE and
-- query rows are upserts. Query texts are dollar-quoted ($query$ ... $query$) so they need no escaping.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);
