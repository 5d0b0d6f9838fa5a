-- The recycled-material lines that claim recycled tonnes without evidence, kept apart as they
-- are stored: the unsupported_claim findings rest on them (derive_findings.sql), and a night
-- reads these instead of every recycled line ever received (0.85 s nationally on 4× history).
-- Variable claims_in: the name of the lines to take them from, shaped as recycled_material_lines.
INSERT INTO unsupported_claim_lines BY NAME
SELECT * FROM query_table(getvariable('claims_in')) WHERE evidence_ref IS NULL AND recycled_tonnes > 0;
