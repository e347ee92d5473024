-- Other provinces a person would go to for work (codes joined by ';'):
-- partner provinces' vacancies there are matched.
ALTER TABLE people ADD COLUMN work_provinces TEXT;
