-- vigil_version(): the same text from the same library on both engines.

-- query
SELECT vigil_version();

-- query
SELECT vigil_version() = '0.2.0', length(vigil_version()) > 0;
-- expect
[[true, true]]
