-- Run by the postgres image once, when its data volume is empty (compose.yaml mounts this folder at
-- /docker-entrypoint-initdb.d). Keycloak keeps its realm, users and sessions in a database of its own
-- beside book-server's, on the same server, so one backup covers both (docs/deploy.md).
CREATE DATABASE keycloak;
