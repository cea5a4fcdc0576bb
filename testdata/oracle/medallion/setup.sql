-- The medallion tables of the seed pipeline, small enough to read: bronze
-- readings as they arrive (raw strings, duplicates, NULLs), silver patients
-- and cleaned readings, and a gold daily summary. Run by interop/oracle/regen
-- on Spark and by internal/sql/oracle_test.go on ingot.
CREATE TABLE bronze_readings (device_id INT, mrn BIGINT, heartrate DOUBLE, time TIMESTAMP, raw STRING) USING DELTA;
INSERT INTO bronze_readings VALUES
  (1, 10001, 72.5, TIMESTAMP'2024-03-01 08:00:00', '{"hr":72.5}'),
  (1, 10001, 74.0, TIMESTAMP'2024-03-01 08:05:00', '{"hr":74}'),
  (1, 10001, 74.0, TIMESTAMP'2024-03-01 08:05:00', '{"hr":74}'),
  (2, 10002, 61.25, TIMESTAMP'2024-03-01 09:00:00', '{"hr":61.25}'),
  (2, 10002, NULL, TIMESTAMP'2024-03-01 09:10:00', '{"hr":null}'),
  (2, 10002, -1.0, TIMESTAMP'2024-03-01 09:20:00', '{"hr":-1}'),
  (3, 10003, 88.0, TIMESTAMP'2024-03-02 10:00:00', '{"hr":88}'),
  (3, 10003, 91.5, TIMESTAMP'2024-03-02 10:30:00', NULL),
  (3, NULL, 90.0, TIMESTAMP'2024-03-02 11:00:00', '{"hr":90}'),
  (4, 10004, 55.0, TIMESTAMP'2024-03-02 23:59:59', ''),
  (4, 10004, 57.75, TIMESTAMP'2024-03-03 00:00:00', '{"hr":57.75}'),
  (5, 10005, 102.0, NULL, '{"hr":102}'),
  (5, 10001, 70.0, TIMESTAMP'2024-03-03 07:00:00', '{"hr":70}'),
  (NULL, 10002, 66.0, TIMESTAMP'2024-03-03 08:00:00', '{"hr":66}'),
  (6, 10006, 0.0, TIMESTAMP'2024-03-03 12:00:00', '{"hr":0}');
CREATE TABLE silver_patients (mrn BIGINT, name STRING, dob DATE, zip STRING, gender STRING, weight_kg DECIMAL(5,1)) USING DELTA;
INSERT INTO silver_patients VALUES
  (10001, 'Ada Lovelace', DATE'1985-12-10', '10001', 'F', 61.5),
  (10002, 'Alan Turing', DATE'1972-06-23', '10002', 'M', 70.0),
  (10003, 'grace hopper', DATE'1990-01-09', NULL, 'F', NULL),
  (10004, 'Edsger Dijkstra', DATE'1960-05-11', '10004', 'M', 82.3),
  (10005, NULL, DATE'2001-02-28', '10005', NULL, 95.0),
  (10007, 'Barbara Liskov', NULL, '10007', 'F', 58.8);
CREATE TABLE silver_readings (device_id INT, mrn BIGINT, heartrate DOUBLE, time TIMESTAMP, day DATE) USING DELTA;
INSERT INTO silver_readings VALUES
  (1, 10001, 72.5, TIMESTAMP'2024-03-01 08:00:00', DATE'2024-03-01'),
  (1, 10001, 74.0, TIMESTAMP'2024-03-01 08:05:00', DATE'2024-03-01'),
  (2, 10002, 61.25, TIMESTAMP'2024-03-01 09:00:00', DATE'2024-03-01'),
  (3, 10003, 88.0, TIMESTAMP'2024-03-02 10:00:00', DATE'2024-03-02'),
  (3, 10003, 91.5, TIMESTAMP'2024-03-02 10:30:00', DATE'2024-03-02'),
  (4, 10004, 55.0, TIMESTAMP'2024-03-02 23:59:59', DATE'2024-03-02'),
  (4, 10004, 57.75, TIMESTAMP'2024-03-03 00:00:00', DATE'2024-03-03'),
  (5, 10001, 70.0, TIMESTAMP'2024-03-03 07:00:00', DATE'2024-03-03'),
  (6, 10006, 0.0, TIMESTAMP'2024-03-03 12:00:00', DATE'2024-03-03');
CREATE TABLE gold_daily (mrn BIGINT, day DATE, n BIGINT, avg_hr DOUBLE, max_hr DOUBLE, total DECIMAL(10,2)) USING DELTA;
INSERT INTO gold_daily VALUES
  (10001, DATE'2024-03-01', 2, 73.25, 74.0, 146.50),
  (10002, DATE'2024-03-01', 1, 61.25, 61.25, 61.25),
  (10003, DATE'2024-03-02', 2, 89.75, 91.5, 179.50),
  (10004, DATE'2024-03-02', 1, 55.0, 55.0, 55.00),
  (10004, DATE'2024-03-03', 1, 57.75, 57.75, 57.75),
  (10001, DATE'2024-03-03', 1, 70.0, 70.0, 70.00),
  (10006, DATE'2024-03-03', 1, 0.0, 0.0, NULL);
