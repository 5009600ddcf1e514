-- Rate-limit counters write no WAL (one statement per request, no flush at commit); a crash of Postgres empties them, which only restarts the current windows.
ALTER TABLE rate_limits SET UNLOGGED;
