-- One database per Claimline service, owned by the compose role (POSTGRES_USER).
-- Runs once, when the postgres volume is first initialised
-- (mounted into /docker-entrypoint-initdb.d by docker-compose.yml).
CREATE DATABASE intake;
CREATE DATABASE claims;
CREATE DATABASE certification;
CREATE DATABASE assessment;
CREATE DATABASE notify;
