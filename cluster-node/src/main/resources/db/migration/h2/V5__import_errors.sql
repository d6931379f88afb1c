-- Rows an import rejected, for GET /imports/{id}/errors.csv. Written in batches by the import's
-- stream; a job that resumes after a crash first deletes the rows after its last checkpoint, so
-- that rows read twice are stored once. Every key starts with account_id.
CREATE TABLE import_errors (
  account_id VARCHAR(128) NOT NULL,
  import_id VARCHAR(64) NOT NULL,
  file_row BIGINT NOT NULL,
  email VARCHAR(400) NOT NULL,
  reason VARCHAR(1000) NOT NULL,
  PRIMARY KEY (account_id, import_id, file_row)
);
