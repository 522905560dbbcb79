-- 0025_partnership: filled in by its module
SELECT 1;
