-- Ethnic groups: the General Statistics Office's list of Decision
-- 1019/QĐ-TCTK (12/11/2008), as used in the 2009 and 2019 censuses, replaces
-- the 1979 list (Decision 121-TCTK/PPCĐ). Both have codes 01-54 but number
-- many groups differently (04 was Hoa and is now Mường), so stored answers are
-- renumbered, all in one statement; the reference table is emptied here and
-- filled again from data/ethnic_groups.csv at start-up.
UPDATE people SET ethnicity = CASE ethnicity
    WHEN '04' THEN '06'
    WHEN '06' THEN '04'
    WHEN '11' THEN '43'
    WHEN '12' THEN '11'
    WHEN '13' THEN '12'
    WHEN '14' THEN '16'
    WHEN '15' THEN '13'
    WHEN '16' THEN '15'
    WHEN '17' THEN '14'
    WHEN '18' THEN '17'
    WHEN '19' THEN '18'
    WHEN '21' THEN '19'
    WHEN '23' THEN '24'
    WHEN '24' THEN '21'
    WHEN '25' THEN '26'
    WHEN '26' THEN '25'
    WHEN '27' THEN '29'
    WHEN '29' THEN '23'
    WHEN '31' THEN '27'
    WHEN '32' THEN '31'
    WHEN '33' THEN '37'
    WHEN '34' THEN '32'
    WHEN '35' THEN '33'
    WHEN '36' THEN '34'
    WHEN '37' THEN '35'
    WHEN '38' THEN '36'
    WHEN '39' THEN '40'
    WHEN '40' THEN '38'
    WHEN '41' THEN '39'
    WHEN '43' THEN '45'
    WHEN '45' THEN '46'
    WHEN '46' THEN '41'
    WHEN '48' THEN '49'
    WHEN '49' THEN '48'
    WHEN '52' THEN '53'
    WHEN '53' THEN '54'
    WHEN '54' THEN '52'
    ELSE ethnicity END
WHERE ethnicity IN ('04', '06', '11', '12', '13', '14', '15', '16', '17', '18', '19', '21', '23', '24', '25', '26', '27', '29', '31', '32', '33', '34', '35', '36', '37', '38', '39', '40', '41', '43', '45', '46', '48', '49', '52', '53', '54');

DELETE FROM ethnic_groups;
