-- Which snapshot part holds each contract's rows of the contract-keyed tables
-- (line_contributions, social_return_valued): this snapshot's for a contract evaluated anew
-- since the previous snapshot or unknown to it, the one the previous index named otherwise.
-- Reads previous_parts (the previous snapshot's index); variables: sequence.
CREATE OR REPLACE TEMP TABLE new_contract_parts AS
SELECT e.contract_id,
       CASE WHEN p.sequence IS NULL OR u.contract_id IS NOT NULL THEN getvariable('sequence')::INTEGER
            ELSE p.sequence END AS sequence
FROM evaluated_contracts e
LEFT JOIN previous_parts p USING (contract_id)
LEFT JOIN unpublished_contracts u USING (contract_id);
