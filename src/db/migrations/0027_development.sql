-- 0027_development: filled in by its module
SELECT 1;
