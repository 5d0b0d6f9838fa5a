-- Puts the folders under reports/ on record as the intake listed them (listed_folders: folder,
-- mtime_ns), writing only the rows that differ: a night finds most folders as they were.
DELETE FROM folders_on_record r
WHERE NOT EXISTS (SELECT 1 FROM listed_folders f WHERE f.folder = r.folder AND f.mtime_ns = r.mtime_ns);
INSERT INTO folders_on_record
SELECT * FROM listed_folders f
WHERE NOT EXISTS (SELECT 1 FROM folders_on_record r WHERE r.folder = f.folder AND r.mtime_ns = f.mtime_ns);
