-- Values one slice of the social-return lines an evaluation values again (changed_contracts.sql;
-- social_return_valuation, views.sql), and sums them per person (valued_now, for
-- person_totals.sql). Variables: valuation_slices, valuation_slice: the contracts whose
-- hash(contract_id) % valuation_slices = valuation_slice.
CREATE OR REPLACE TEMP TABLE valued_slice AS SELECT * FROM social_return_valuation;
INSERT INTO social_return_valued BY NAME SELECT * FROM valued_slice;
INSERT INTO valued_now SELECT * FROM person_sums('valued_slice');
