-- 006: room on each page for the rows dw-analyze rewrites all day — a
-- project's day (project_days: every payment adds to it) and an open
-- alert's figures — so the new version of a row goes on the same page
-- without new index entries (a HOT update) and the old one is pruned there.
ALTER TABLE project_days SET (fillfactor = 50);
ALTER TABLE alerts SET (fillfactor = 70);
