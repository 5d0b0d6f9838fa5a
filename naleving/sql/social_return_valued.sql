-- Values one slice of the social-return lines an evaluation values again (changed_contracts.sql;
-- social_return_valuation, views.sql). Variables: valuation_slices, valuation_slice: the
-- contracts whose hash(contract_id) % valuation_slices = valuation_slice.
INSERT INTO social_return_valued BY NAME SELECT * FROM social_return_valuation;
