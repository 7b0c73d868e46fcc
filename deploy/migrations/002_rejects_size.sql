-- 002_rejects_size: how big a refused message was.
--
-- A message beyond the contract's size limit is refused whole, but only its
-- first 64 KiB are kept in rejects.raw (a hostile producer must not be able to
-- fill the database four megabytes at a time); raw_size says how big it was.
ALTER TABLE rejects ADD COLUMN raw_size bigint;
COMMENT ON COLUMN rejects.raw IS 'the message as received; for one beyond the size limit, its first 65536 bytes';
COMMENT ON COLUMN rejects.raw_size IS 'the size of the message as received, in bytes';
