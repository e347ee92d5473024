-- The board's catch-up asks every 5 s for vacancies changed in the last few
-- minutes, in every status: without this index each round read all of the
-- province's entries in vacancies_status (100k at the benchmark's size).
CREATE INDEX vacancies_changed ON vacancies(province_code, updated_at);
