"""Sample rows that satisfy a schema by construction: verification's sample data and seed SQL.

`order` puts tables in insertion order (a nullable key closes a reference cycle and is linked
later); `expressions` reads a check as PostgreSQL does; `solver` mends a row until its checks
hold; `patterns` makes strings a regular expression accepts; `engine` fills every table.
"""
