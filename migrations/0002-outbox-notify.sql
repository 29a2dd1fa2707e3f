-- Wakes the outbox relay (apps/outbox-relay) as soon as an append commits, instead of waiting for its next poll.
-- NOTIFY is delivered at commit and identical notifications of one transaction are folded into one, so a statement-level
-- trigger costs one queue entry per appending transaction. The relay still polls: a notification is only a hint.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('reelwire_outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
