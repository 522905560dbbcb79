-- 0028_courses_and_updates: filled in by its module
SELECT 1;
