-- An alert SNS refuses for its content (InvalidParameter: after the subject is made printable ASCII
-- under 100 characters, little is left that could be) is marked 'failed' with SNS's answer, and the
-- publisher goes on with the others: before, the refused row stayed 'pending' and every later batch,
-- and every restart, failed on it again.
ALTER TABLE fleet.alerts
  DROP CONSTRAINT alerts_status_check,
  ADD CONSTRAINT alerts_status_check CHECK (status IN ('pending', 'published', 'suppressed', 'digested', 'failed')),
  ADD COLUMN publish_error text;
