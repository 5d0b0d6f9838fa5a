-- Puts on record the folders the intake listed (listed_folders: folder, mtime_ns; listing.py):
-- a listed folder's time takes the place of its row, a folder gone (getvariable('gone')) loses
-- it, and after a full listing (every_folder) the folders listed are all there is. A night's
-- listing holds only the folders that changed, so only their rows are written.
DELETE FROM folders_on_record
WHERE getvariable('every_folder') OR folder IN (SELECT folder FROM listed_folders);
INSERT INTO folders_on_record SELECT * FROM listed_folders WHERE mtime_ns <> getvariable('gone');
