-- 0026_information_requests: filled in by its module
SELECT 1;
