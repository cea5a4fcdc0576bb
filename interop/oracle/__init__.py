"""The differential SQL oracle: Spark's answers as goldens for ingot.

regen.py builds each category's input tables with Spark, runs its
statements with spark.sql.ansi.enabled false and true, and writes the
answers to testdata/oracle/<category>/ansi-{off,on}.sql.out in the shape of
Spark's own SQLQueryTestSuite goldens. internal/sql/oracle_test.go replays
them on ingot; test_oracle.py runs the live comparison in the interop suite.
"""
