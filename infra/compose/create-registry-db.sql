-- docker-compose.yml: a database for Apicurio Registry's SQL storage beside the ledger's own.
CREATE DATABASE apicurio OWNER ledger;
