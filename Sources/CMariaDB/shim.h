#ifndef CMARIADB_SHIM_H
#define CMARIADB_SHIM_H
/* MariaDB Connector/C (Debian libmariadb-dev): the C client of MySQL 5.7/8.x and MariaDB, with TLS
   and caching_sha2_password. book-server uses it to read a seed deployment's tables
   (`import-django --database mysql://...`). */
#include <mariadb/mysql.h>
#endif
